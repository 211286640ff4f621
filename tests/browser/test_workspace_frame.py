"""The workspace's frame in a real browser, on a laptop (1366 px) and a phone (390 px):
the login page and header under the product's name, the worklist as home page, the
activity list keeping status and findings in view, and the error pages."""

import pytest

from entities.models import Membership
from tests.browser.conftest import login, screenshot
from tests.factories import ActivityFactory, OrganisationFactory, UserFactory, complete_activity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("reference_data")]

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def dpo_register():
    akixi = OrganisationFactory(name="Akixi Limited")
    user = UserFactory(username="dpo")
    Membership.objects.create(user=user, organisation=akixi, role="dpo")
    complete_activity(organisation=akixi, reference="PA-001", name="Customer support")
    for n in range(2, 6):
        ActivityFactory(organisation=akixi, reference=f"PA-00{n}",
                        name=f"Marketing campaign with a long name {n}")
    return akixi


def open_page(browser, viewport):
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(10_000)
    return context, context.new_page()


def in_view(page, selector, width):
    box = page.locator(selector).first.bounding_box()
    return (box is not None and box["width"] > 0 and box["x"] >= 0
            and box["x"] + box["width"] <= width)


@pytest.mark.parametrize(("name", "viewport"), [("1366", LAPTOP), ("390", PHONE)])
def test_login_worklist_and_activity_list(browser, live_server, dpo_register, name, viewport):
    context, page = open_page(browser, viewport)
    try:
        page.goto(f"{live_server.url}/admin/login/")
        assert "ROPA register" in page.title() and "Django" not in page.content()
        screenshot(page, f"frame-login-{name}")
        login(page, live_server, "dpo")
        page.locator("#worklist-findings").wait_for()
        assert "Worklist" in page.title() and "ROPA register" in page.title()
        assert page.locator("#worklist-findings tr[data-code]").count() >= 1
        screenshot(page, f"frame-worklist-{name}")
        if viewport is LAPTOP:
            sidebar = page.locator("#nav-sidebar").inner_text()
            assert "Akixi Limited" in sidebar  # the user's organisation, under the name
            for entry in ("Worklist", "Activities", "Dashboard", "Exports", "Organisations",
                          "Reference data"):
                assert entry in sidebar
            # Reference data is grouped out of the way (collapsed).
            assert not page.locator("#nav-sidebar a", has_text="Countries").is_visible()

        # The list keeps the status and findings columns in view.
        page.locator("#worklist-findings a.ropa-fix-link").first.click()
        page.locator("#result_list").wait_for()
        width = viewport["width"]
        assert in_view(page, "#result_list td.field-status_badge .ropa-status", width)
        assert in_view(page, "#result_list td.field-findings_count .ropa-findings", width)
        screenshot(page, f"frame-activity-list-{name}")
    finally:
        context.close()


def test_error_pages_in_the_frame(browser, live_server, dpo_register):
    context, page = open_page(browser, LAPTOP)
    try:
        login(page, live_server, "dpo")
        response = page.goto(
            f"{live_server.url}/admin/processing/processingactivity/999999/change/")
        assert response.status == 404
        page.get_by_text("404 · Nothing here").wait_for()
        screenshot(page, "frame-404")
    finally:
        context.close()


#: The workspace's main pages, by URL name (and arguments): each drawn at a laptop's and a
#: phone's width, saved as a test artefact.
MAIN_PAGES = [
    ("worklist", "admin:index", ()),
    ("activities", "admin:processing_processingactivity_changelist", ()),
    ("dashboard", "admin:processing_processingactivity_dashboard", ()),
    ("as-of", "admin:processing_processingactivity_as_of", ()),
    ("diff", "admin:processing_processingactivity_diff", ()),
    ("exports", "admin:exports_centre", ()),
    ("reports", "admin:reports_report_changelist", ()),
    ("campaigns", "admin:campaigns_campaign_changelist", ()),
    ("packs", "admin:packs_regulatorpack_changelist", ()),
    ("notices", "admin:notices_privacynotice_changelist", ()),
    ("organisations", "admin:entities_organisation_changelist", ()),
    ("third-parties", "admin:entities_thirdparty_changelist", ()),
    ("people", "admin:entities_person_changelist", ()),
    ("api-tokens", "admin:entities_apitoken_changelist", ()),
]


@pytest.mark.parametrize(("name", "viewport"), [("1366", LAPTOP), ("390", PHONE)])
def test_every_main_page_is_drawn_in_the_frame(browser, live_server, dpo_register, name,
                                               viewport):
    from django.urls import reverse

    context, page = open_page(browser, viewport)
    try:
        login(page, live_server, "dpo")
        activity = dpo_register.activities.get(reference="PA-001")
        pages = [*MAIN_PAGES, ("activity", "admin:processing_processingactivity_change",
                               (activity.pk,))]
        for label, url_name, args in pages:
            response = page.goto(f"{live_server.url}{reverse(url_name, args=args)}")
            assert response.status == 200, (label, response.status)
            # In the frame: the product's name, never the stock admin's.
            assert "ROPA register" in page.title(), label
            assert "Django administration" not in page.content(), label
            screenshot(page, f"page-{label}-{name}")
            if label in ("worklist", "dashboard", "exports", "activity"):
                # Nothing wider than the screen: a wide table scrolls in its own box.
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= viewport["width"] + 10, (label, width)
    finally:
        context.close()
