"""Reports run on demand and API tokens, in a real browser, at a laptop's and a phone's
width (screenshots saved as test artefacts)."""

import re

import pytest

from entities.models import Membership
from reports.models import Report, ReportStatus
from ropa.celery import app as celery_app
from tests.browser.conftest import login, screenshot
from tests.factories import OrganisationFactory, UserFactory, complete_activity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("reference_data")]

WIDTHS = {"1366": {"width": 1366, "height": 900}, "390": {"width": 390, "height": 844}}


@pytest.fixture
def reports_in_process(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    old = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = True, True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = old


def dpo_of(name):
    organisation = OrganisationFactory(name=name)
    user = UserFactory(username="dpo")
    Membership.objects.create(user=user, organisation=organisation, role="dpo")
    complete_activity(organisation=organisation, reference="AKX-01", name="Customer accounts")
    return organisation


def test_a_dpo_runs_a_report_from_the_empty_reports_page(new_page, live_server,
                                                         reports_in_process):
    dpo_of("Akixi Limited")
    page = new_page()
    login(page, live_server, "dpo")
    page.goto(f"{live_server.url}/admin/reports/report/")
    assert page.locator("#reports-empty").is_visible()
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        screenshot(page, f"reports-empty-{width}")
        assert page.locator("#reports-empty input[type=submit]").is_visible()
    page.set_viewport_size(WIDTHS["1366"])

    page.select_option("#reports-empty select[name=kind]", "health")
    page.select_option("#reports-empty select[name=organisation]", label="Akixi Limited")
    page.click("#reports-empty input[type=submit]")

    page.wait_for_selector("text=is queued")
    assert Report.objects.get().status == ReportStatus.DONE
    assert page.locator("#reports-run").is_visible()
    assert page.locator("#result_list").get_by_text("register health").count() >= 1
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        screenshot(page, f"reports-list-{width}")


def test_a_dpo_issues_copies_and_revokes_an_api_token(new_page, live_server):
    dpo_of("Akixi Limited")
    page = new_page()
    login(page, live_server, "dpo")
    page.goto(f"{live_server.url}/admin/entities/apitoken/")
    assert page.get_by_text("No API tokens yet.").is_visible()
    page.click("text=Issue a token")
    page.select_option("select[name=organisation]", label="Akixi Limited")
    page.fill("input[name=name]", "BI dashboard")
    page.click("input[type=submit][value='Issue the token']")

    secret = page.locator("#api-token-secret").inner_text()
    assert re.fullmatch(r"[0-9a-f]{40}", secret)
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        screenshot(page, f"api-token-issued-{width}")
    page.set_viewport_size(WIDTHS["1366"])

    page.click("text=Back to the API tokens")
    assert page.get_by_text("BI dashboard").first.is_visible()
    assert secret not in page.content()
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        screenshot(page, f"api-tokens-{width}")
    page.set_viewport_size(WIDTHS["1366"])

    page.click("a.deletelink")
    screenshot(page, "api-token-revoke-1366")
    page.click("input[value='Yes, revoke it']")
    page.wait_for_selector("text=is revoked")
    assert page.get_by_text("No API tokens yet.").is_visible()


def test_pages_outside_the_admin_work_without_evaluated_scripts(new_page, live_server,
                                                                reference_data):
    """The API's documentation (Swagger UI) is drawn under a policy without 'unsafe-eval',
    the error pages (drawn by the admin theme) under the admin's: both refuse nothing."""

    UserFactory(username="reader")
    page = new_page()
    login(page, live_server, "reader")
    response = page.goto(f"{live_server.url}/api/v1/docs/")
    assert "'unsafe-eval'" not in response.headers["content-security-policy"]
    page.locator(".opblock-summary-path", has_text="/api/v1/activities/").first.wait_for()
    screenshot(page, "api-docs")
    missing = page.goto(f"{live_server.url}/no/such/page/")
    assert missing.status == 404 and "'unsafe-eval'" in missing.headers[
        "content-security-policy"]
    page.get_by_text("Back to the worklist").wait_for()
