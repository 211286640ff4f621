"""The DPO's workspace in a real browser: create, fix, review, compare, revert; and the
walls between roles and organisations."""

import pytest

from entities.models import Membership
from processing.models import LawfulBasis, ProcessingActivity
from tests.browser.conftest import choose, login, screenshot
from tests.factories import (
    ActivityFactory,
    OrganisationFactory,
    ThirdPartyFactory,
    UserFactory,
    complete_activity,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("reference_data")]


def member(username, organisation, role):
    user = UserFactory(username=username)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def test_dpo_creates_fixes_reviews_compares_and_reverts(new_page, live_server):
    akixi = OrganisationFactory(name="Akixi Limited")
    dpo = member("dpo", akixi, "dpo")
    ThirdPartyFactory(organisation=akixi, name="Zendesk Inc.")
    page = new_page()
    login(page, live_server, "dpo")
    screenshot(page, "01-admin-index")
    assert page.locator("a.ropa-dashboard-link").is_visible()

    # --- create an activity, item by item of Article 30 -------------------------------
    page.goto(f"{live_server.url}/admin/processing/processingactivity/add/")
    page.fill("#id_name", "Customer support")
    page.fill("#id_business_function", "Support")
    page.click("#purposes-group a.add-row")
    page.fill("#id_purposes-0-description", "To answer customers' support requests")
    choose(page, "#row-data_subjects", "Customers")
    choose(page, "#row-data_categories", "Contact details", search="contact")
    page.click("#lawful_bases-group a.add-row")
    page.select_option("#id_lawful_bases-0-basis", str(LawfulBasis.objects.get(code="A6-1-f").pk))
    page.fill("#id_lawful_bases-0-legitimate_interest", "Helping customers who ask for support")
    page.click("#recipients-group a.add-row")
    choose(page, "#id_recipients-0-third_party + .select2", "Zendesk Inc.", search="Zendesk")
    page.click("#transfers-group a.add-row")
    choose(page, "#id_transfers-0-country + .select2", "United States", search="United States")
    # A UK exporter: the ICO's IDTA, assessed.
    choose(page, "#id_transfers-0-mechanism + .select2",
           "UK International Data Transfer Agreement (IDTA)", search="International Data")
    page.fill("#id_transfers-0-tia_link", "https://intranet.example.com/tia/zendesk")
    page.click("#retention_rules-group a.add-row")
    page.fill("#id_retention_rules-0-period", "P7Y")
    page.select_option("#id_retention_rules-0-trigger", "end_of_relationship")
    choose(page, "#row-security_measures", "Access management", search="access")
    page.fill("#id_privacy_notice_link", "https://acme.example/privacy")
    screenshot(page, "02-activity-add-form")
    page.click("[name=_continue]")

    # --- the finding, and its fix ------------------------------------------------------
    finding = page.locator(".ropa-finding[data-code='A6-LI-LIA']")
    finding.wait_for()
    codes = page.locator(".ropa-finding").evaluate_all("(nodes) => nodes.map(n => n.dataset.code)")
    assert codes == ["A6-LI-LIA"]
    screenshot(page, "03-activity-with-finding")
    finding.locator("a").click()
    # The link focuses the LIA link's input itself, on the basis's row.
    assert page.url.endswith("#id_lawful_bases-0-lia_link")
    assert page.evaluate("document.activeElement.id") == "id_lawful_bases-0-lia_link"
    page.fill("#id_lawful_bases-0-lia_link", "https://intranet.example.com/lia/support")
    page.click("[name=_continue]")
    page.locator(".ropa-findings-clear").wait_for()
    activity = ProcessingActivity.objects.get(name="Customer support")
    assert activity.reference == "PA-001"
    assert activity.lawful_bases.get().lia_link.endswith("/lia/support")

    # --- review workflow ---------------------------------------------------------------
    page.click("button[data-action=submit]")
    page.locator(".ropa-findings-box .ropa-status-in_review").wait_for()
    page.click("button[data-action=approve]")
    page.locator(".ropa-findings-box .ropa-status-active").wait_for()
    assert "next review due on" in page.locator("ul.messagelist").inner_text()
    screenshot(page, "04-activity-approved")
    activity.refresh_from_db()
    assert activity.status == "active" and activity.next_review_on is not None

    # --- a change, the diff, and the revert --------------------------------------------
    page.click(".ropa-tab:has-text('1–2 Who and why')")
    page.fill("#id_name", "Customer support desk")
    page.click("[name=_continue]")
    page.locator("ul.messagelist .success").wait_for()
    page.click("a:has-text('Compare versions')")
    page.locator("#field-changes").wait_for()
    assert "Customer support desk" in page.locator("#field-changes").inner_text()
    screenshot(page, "05-history-diff")
    page.click("#revert-button")
    # The red button asks first: what the revert changes, nothing written yet.
    page.locator("#confirm-revert").wait_for()
    assert "Customer support desk" in page.locator("#field-changes").inner_text()
    activity.refresh_from_db()
    assert activity.name == "Customer support desk"
    screenshot(page, "06-revert-confirmation")
    page.click("#confirm-revert")
    page.locator("#change-history").wait_for()
    assert "was reverted" in page.locator("ul.messagelist").inner_text()
    screenshot(page, "06-history-after-revert")
    activity.refresh_from_db()
    assert activity.name == "Customer support"
    latest = activity.history.first()
    assert (latest.history_user, latest.history_path) == (dpo, "admin")

    # --- the dashboard and the register as of a date --------------------------------------
    page.goto(f"{live_server.url}/admin/processing/processingactivity/dashboard/")
    page.locator("#chart-status svg").wait_for()
    screenshot(page, "07-dashboard")
    page.locator("#chart-status a.ropa-bar[data-value='1']").click()
    page.locator("#result_list").wait_for()
    assert "status__exact=active" in page.url
    screenshot(page, "08-change-list")
    page.goto(f"{live_server.url}/admin/processing/processingactivity/as-of/")
    assert "Customer support" in page.locator("#result_list").inner_text()
    screenshot(page, "09-register-as-of")


def test_auditor_reads_only_and_other_organisations_stay_out(new_page, live_server):
    akixi = OrganisationFactory(name="Akixi Limited")
    mondago = OrganisationFactory(name="Mondago Limited")
    member("auditor", akixi, "auditor")
    member("mondago_dpo", mondago, "dpo")
    activity = complete_activity(organisation=akixi, reference="PA-001", name="Payroll")
    ActivityFactory(organisation=mondago, name="Mondago marketing")
    url = f"{live_server.url}/admin/processing/processingactivity/{activity.pk}/change/"

    auditor = new_page()
    login(auditor, live_server, "auditor")
    auditor.goto(url)
    assert auditor.locator("[name=_save]").count() == 0
    assert auditor.locator("#id_name").count() == 0  # shown as text, not as an input
    assert auditor.locator(".readonly", has_text="Payroll").count() >= 1
    assert auditor.locator("form.ropa-transition").count() == 0
    screenshot(auditor, "10-auditor-read-only")

    outsider = new_page()
    login(outsider, live_server, "mondago_dpo")
    response = outsider.goto(url)
    assert response.status == 404
    outsider.goto(f"{live_server.url}/admin/processing/processingactivity/")
    listed = outsider.locator("#result_list").inner_text()
    assert "Mondago marketing" in listed and "Payroll" not in listed
