"""The register diff page of the admin, and its xlsx and PDF: the same changes as the
diff itself; members only."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from processing.diff import register_diff, rows, value_text
from tests.admin.conftest import member
from tests.core.diff_scenario import DAY1, DAY2, QUIET, build

pytestmark = pytest.mark.django_db

URL = reverse("admin:processing_processingactivity_diff")


@pytest.fixture
def scenario():
    return build()


@pytest.fixture
def auditor(client, scenario):
    client.force_login(member("audrey", scenario.organisation, "auditor"))
    return client


def _query(scenario, **extra):
    return {"organisation": scenario.organisation.pk, "from": DAY1.isoformat(),
            "to": DAY2.isoformat(), **extra}


def test_the_page_shows_what_was_added_retired_and_changed(auditor, scenario):
    page = auditor.get(URL, _query(scenario))

    assert page.status_code == 200
    sections = {s["kind"]: s for s in page.context["sections"]}
    assert [a["entry"].reference for a in sections["added"]["activities"]] == ["ACM-04"]
    assert [a["entry"].reference for a in sections["retired"]["activities"]] == ["ACM-03"]
    [changed] = sections["changed"]["activities"]
    assert ("name", "Newsletter", "Monthly newsletter") in changed["changes"]
    html = page.content.decode()
    assert "Monthly newsletter" in html and "lawful_bases[A6-1-a].purposes" in html
    assert "format=xlsx" in html and "format=pdf" in html


def test_a_window_without_change_says_so(auditor, scenario):
    page = auditor.get(URL, _query(scenario, to=QUIET.isoformat()))
    assert "Nothing changed between the two moments." in page.content.decode()


def test_the_xlsx_carries_the_same_changes(auditor, scenario):
    response = auditor.get(URL, _query(scenario, format="xlsx"))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="register-diff-acme')
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == ["Summary", "Changes"]
    sheet = [tuple("" if v is None else v for v in row)
             for row in book["Changes"].iter_rows(values_only=True)]
    expected = list(rows(register_diff(scenario.organisation.pk, DAY1, DAY2)))
    assert sheet[0][:6] == ("Change", "Reference", "Activity", "Field", "Old value", "New value")
    assert sheet[1:] == expected
    assert ("changed", "ACM-02", "Monthly newsletter", "name", "Newsletter",
            "Monthly newsletter") in [row[:6] for row in sheet]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert (summary["Activities added"], summary["Activities changed"]) == ("1", "1")


def test_the_pdf_carries_the_same_changes(auditor, scenario):
    response = auditor.get(URL, _query(scenario, format="pdf"))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    # Cells wrap within their column: compared without white space, in order, each
    # activity's reference and name before its changes.
    squeezed = "".join(text.split())
    at = 0
    for entry in register_diff(scenario.organisation.pk, DAY1, DAY2).activities:
        shown = [entry.reference + entry.name] + [
            c.field + value_text(c.old) + value_text(c.new) for c in entry.changes]
        for cells in shown:
            cells = "".join(cells.split())
            found = squeezed.find(cells, at)
            assert found >= 0, (entry.reference, cells)
            at = found + len(cells)
    for heading in ("Registerdiff:AcmeLtd", "Added", "Retiredordeleted", "Changed"):
        assert heading in squeezed


def test_another_organisation_is_not_found(client, scenario):
    client.force_login(member("olga", scenario.other, "dpo"))
    for fmt in ("", "xlsx", "pdf"):
        assert client.get(URL, _query(scenario, format=fmt)).status_code == 404
    page = client.get(URL)
    assert [o.name for o in page.context["form"].fields["organisation"].queryset] == ["Other Ltd"]


def test_a_bad_moment_or_period_is_an_error_on_the_form(auditor, scenario):
    page = auditor.get(URL, _query(scenario, to="noon"))
    assert "'noon' is not a date or a date-time" in page.context["form"].errors["end"][0]
    assert "is not a date or a date-time" in page.content.decode()
    page = auditor.get(URL, _query(scenario, **{"from": DAY2.isoformat(), "to": DAY1.isoformat()}))
    assert "is after 'to'" in page.context["form"].errors["start"][0]
    assert page.context["diff"] is None


def test_the_page_is_reached_from_the_organisation_and_the_as_of_page(auditor, scenario):
    organisation_page = auditor.get(
        reverse("admin:entities_organisation_change", args=[scenario.organisation.pk]))
    assert f'{URL}?organisation={scenario.organisation.pk}' in organisation_page.content.decode()
    history = reverse("admin:entities_organisation_history", args=[scenario.organisation.pk])
    assert f'href="{history}"' in organisation_page.content.decode()
    as_of = auditor.get(reverse("admin:processing_processingactivity_as_of"),
                        {"date": DAY1.isoformat()})
    assert f"{URL}?from=2026-03-04" in as_of.content.decode()
    changelist = auditor.get(reverse("admin:processing_processingactivity_changelist"))
    assert URL in changelist.content.decode()
    page = auditor.get(URL, {"organisation": scenario.organisation.pk})
    assert page.context["diff"] is None and f'value="{scenario.organisation.pk}" selected' in (
        page.content.decode())
