"""The activity record in a real browser: the lawful basis shows the fields of its kind,
purposes are usable as scopes as soon as they are typed, the Art 28 finding opens the
processor in a popup and the findings panel follows the fix, and the third party "+" is
filled in with the register."""

import pytest

from entities.models import Membership
from processing.models import LawfulBasis
from tests.browser.conftest import login, screenshot
from tests.factories import OrganisationFactory, UserFactory, complete_activity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("reference_data")]


def _visible(page, selector) -> bool:
    return page.locator(selector).is_visible()


def test_dpo_fixes_a_record_in_place(new_page, live_server):
    akixi = OrganisationFactory(name="Akixi Limited")
    dpo = UserFactory(username="dpo")
    Membership.objects.create(user=dpo, organisation=akixi, role="dpo")
    activity = complete_activity(organisation=akixi, reference="PA-001", name="Customer support")
    processor = activity.recipients.get().third_party
    processor.kind, processor.contract_link = "processor", ""
    processor.save()
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, live_server, "dpo")
    page.goto(f"{live_server.url}/admin/processing/processingactivity/{activity.pk}/change/")

    # --- the lawful basis shows the fields of its kind only ------------------------------
    page.click(".ropa-tab:has-text('4 Lawful basis')")
    assert not _visible(page, "#id_lawful_bases-0-legitimate_interest")  # contract
    assert not _visible(page, "#id_lawful_bases-0-consent_record_link")
    assert page.locator("#lawful_bases-group .selector").count() == 0  # no dual list
    li = LawfulBasis.objects.get(code="A6-1-f")
    page.select_option("#id_lawful_bases-0-basis", str(li.pk))
    assert _visible(page, "#id_lawful_bases-0-legitimate_interest")
    assert _visible(page, "#id_lawful_bases-0-lia_link")
    assert not _visible(page, "#id_lawful_bases-0-citation")
    page.fill("#id_lawful_bases-0-legitimate_interest", "Preventing fraud")
    page.fill("#id_lawful_bases-0-lia_link", "https://intranet.example/lia/fraud")

    # --- a purpose typed is a scope at once, before any save -----------------------------
    page.click(".ropa-tab:has-text('1–2 Who and why')")
    page.click("#purposes-group a.add-row")
    page.fill("#id_purposes-1-description", "To prevent fraud")
    page.click(".ropa-tab:has-text('4 Lawful basis')")
    scope = page.locator("#id_lawful_bases-0-purposes label", has_text="To prevent fraud")
    scope.wait_for()
    scope.locator("input").check()
    screenshot(page, "10-record-basis-and-new-purpose-1366")
    page.click("[name=_continue]")
    page.locator("ul.messagelist .success").wait_for()
    use = activity.lawful_bases.get()
    assert use.basis == li
    assert [p.description for p in use.purposes.all()] == ["To prevent fraud"]

    # --- the Art 28 finding opens the processor; the panel follows the fix ----------------
    finding = page.locator(".ropa-finding[data-code='A28-CONTRACT']")
    with page.expect_popup() as popup_info:
        finding.locator("a").click()
    popup = popup_info.value
    popup.wait_for_load_state()
    assert f"/entities/thirdparty/{processor.pk}/change/" in popup.url
    popup.fill("#id_contract_link", "https://contracts.example/dpa")
    popup.click("[name=_save]")
    page.locator(".ropa-finding[data-code='A28-CONTRACT']").wait_for(state="detached")
    processor.refresh_from_db()
    assert processor.contract_link == "https://contracts.example/dpa"

    # --- the third party "+" comes filled in with the register -----------------------------
    page.click(".ropa-tab:has-text('5–6 Recipients')")
    with page.expect_popup() as popup_info:
        # The theme shows the related links on hover of the field.
        page.hover("#id_recipients-0-third_party + .select2")
        page.locator("#add_id_recipients-0-third_party").dispatch_event("click")
    popup = popup_info.value
    popup.wait_for_load_state()
    assert popup.locator("#id_organisation option:checked").inner_text() == "Akixi Limited"
    screenshot(popup, "11-third-party-popup-prefilled")
    popup.close()

    screenshot(page, "12-record-after-fix-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "13-record-after-fix-390")


#: The activity record's page height at 1366 px wide, in CSS pixels (docs/workspace.md):
#: the findings panel, the completeness line and the tallest Art 30 item shown alone.
PAGE_HEIGHT_BOUND = 2400


def test_record_fits_a_laptop_screen(new_page, live_server):
    akixi = OrganisationFactory(name="Akixi Limited")
    dpo = UserFactory(username="dpo")
    Membership.objects.create(user=dpo, organisation=akixi, role="dpo")
    activity = complete_activity(organisation=akixi, reference="PA-001", name="Customer support")
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, live_server, "dpo")
    url = f"{live_server.url}/admin/processing/processingactivity/{activity.pk}/change/"
    page.goto(url)
    page.locator(".ropa-tabs").wait_for()
    heights = {}
    for tab in page.locator(".ropa-tab").all():
        tab.click()
        heights[tab.inner_text()] = page.evaluate("document.documentElement.scrollHeight")
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    print("heights", heights)
    assert max(heights.values()) < PAGE_HEIGHT_BOUND, heights
    page.locator(".ropa-tab").first.click()
    screenshot(page, "14-activity-record-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "15-activity-record-390")
