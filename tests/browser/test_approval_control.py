"""Approval as a control, in a real browser: an approval over open error findings is refused
naming them, then accepted with a reason kept in the history; a contributor's edit of an
approved record sends it back to draft, and its review dates are not the contributor's."""

import pytest

from entities.models import Membership
from processing.findings import Severity, activity_findings
from processing.models import ProcessingActivity
from processing.register import read_activity
from tests.browser.conftest import login, screenshot
from tests.factories import (
    ActivityFactory,
    OrganisationFactory,
    UserFactory,
    complete_activity,
    person_of,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("reference_data")]


def member(username, organisation, role):
    user = UserFactory(username=username)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def test_approval_over_errors_is_refused_naming_them_then_kept_with_its_reason(
        new_page, live_server):
    akixi = OrganisationFactory(name="Akixi Limited")
    member("dora", akixi, "dpo")
    dan = member("dan", akixi, "dpo")
    activity = ActivityFactory(organisation=akixi, reference="AK-01", name="Marketing list",
                               status="draft")
    errors = [f.code for f in activity_findings(read_activity(activity.pk))
              if f.severity == Severity.ERROR]
    assert errors

    change = f"{live_server.url}/admin/processing/processingactivity/{activity.pk}/change/"
    submitter = new_page()
    login(submitter, live_server, "dora")
    submitter.goto(change)
    submitter.click("button[data-action=submit]")
    submitter.locator(".ropa-findings-box .ropa-status-in_review").wait_for()

    # The organisation has a second DPO: the approval is his, and asks for a reason.
    page = new_page()
    login(page, live_server, "dan")
    page.goto(change)
    override = page.locator(".ropa-override")
    assert f"{len(errors)} open error" in override.inner_text()
    screenshot(page, "approval-01-reason-asked")
    # Sent without a reason (the browser's own check set aside), the server refuses it
    # and names every finding that blocks it.
    page.eval_on_selector("input[name=override_reason]", "input => input.required = false")
    page.click("button[data-action=approve]")
    message = page.locator("ul.messagelist")
    message.wait_for()
    assert "Approval refused" in message.inner_text()
    for code in errors:
        assert code in message.inner_text()
    screenshot(page, "approval-02-refused")
    activity.refresh_from_db()
    assert activity.status == "in_review"

    reason = "Launch approved by the board; the LIA is being written this week"
    page.fill("input[name=override_reason]", reason)
    page.click("button[data-action=approve]")
    page.locator(".ropa-findings-box .ropa-status-active").wait_for()
    screenshot(page, "approval-03-approved-with-reason")
    activity.refresh_from_db()
    assert activity.status == "active" and activity.next_review_on is not None
    approval = activity.history.first()
    assert approval.history_user == dan
    assert reason in approval.history_change_reason
    assert all(code in approval.history_change_reason for code in errors)


def test_a_contributors_edit_of_an_approved_record_returns_it_to_draft(new_page, live_server):
    akixi = OrganisationFactory(name="Akixi Limited")
    cora = member("cora", akixi, "contributor")
    activity = complete_activity(organisation=akixi, reference="AK-02", name="Payroll",
                                 status="active", owner=person_of(cora, akixi))
    page = new_page()
    login(page, live_server, "cora")
    page.goto(f"{live_server.url}/admin/processing/processingactivity/{activity.pk}/change/")
    # Review dates are set by approval: shown, not typed.
    assert page.locator("#id_next_review_on").count() == 0
    assert page.locator("#id_last_reviewed_on").count() == 0
    page.click(".ropa-tab:has-text('1–2 Who and why')")
    page.fill("#id_name", "Payroll and pensions")
    page.click("[name=_continue]")
    page.locator("ul.messagelist").wait_for()
    page.locator(".ropa-findings-box .ropa-status-draft").wait_for()
    screenshot(page, "contributor-01-back-to-draft")
    activity = ProcessingActivity.objects.get(pk=activity.pk)
    assert (activity.name, activity.status) == ("Payroll and pensions", "draft")
    assert activity.history.first().history_user == cora
