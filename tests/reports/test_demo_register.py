"""The reports over the demo register (the three privacy policies of the seeds)."""

import datetime

import pytest

from entities.models import Organisation
from processing import services as activities
from processing.demo import load_demo
from processing.models import ProcessingActivity
from reports import services
from tests.factories import UserFactory, data_category
from tests.once import built_once
from tests.reports.helpers import html_of, produce, sheet_rows, workbook

pytestmark = pytest.mark.django_db


#: The demo register, loaded once for the module; each test starts from it.
_demo = built_once(load_demo)


@pytest.fixture
def demo(_demo, db):
    return {o.name: o for o in Organisation.objects.all()}


def _rows(report, sheet):
    rows = sheet_rows(workbook(report.xlsx_file), sheet)
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


def test_health_of_mondago_reports_its_us_transfers_without_mechanism(demo):
    report = produce("health", demo["Mondago Limited"])

    findings = _rows(report, "Findings")
    mechanism = [r for r in findings if r["Code"] == "CH5-MECHANISM"]
    assert {r["Reference"] for r in mechanism} >= {"MON-01", "MON-02"}
    assert all("United States" in r["What to do"] for r in mechanism)
    assert report.summary["by_code"]["CH5-MECHANISM"] == len(mechanism)
    assert {r["Organisation"] for r in findings} == {"Mondago Limited"}


def test_reviews_of_the_demo_are_mostly_ahead_some_due_soon_few_overdue(demo):
    overdue, due_soon = {}, {}
    for organisation in demo.values():
        if not organisation.activities.exists():
            continue
        report = produce("reviews", organisation)
        overdue |= {r["Reference"]: r for r in _rows(report, "Overdue")}
        due_soon |= {r["Reference"]: r for r in _rows(report, "Due within 30 days")}
        assert report.summary["overdue"] == len(_rows(report, "Overdue"))

    today = datetime.date.today()
    assert 1 <= len(overdue) <= 3
    assert set(overdue) == set(ProcessingActivity.objects.filter(
        next_review_on__lt=today).values_list("reference", flat=True))
    assert due_soon and all(r["Next review"].date() >= today for r in due_soon.values())


def test_the_first_changes_report_of_the_demo_lists_the_week_s_changes(demo):
    from processing import demo as demo_data

    # The last activities recorded were completed in the last days.
    last = demo_data.ACTIVITIES[-1]
    report = produce("changes", demo[last["organisation"]])

    log = _rows(report, "All changes")
    assert last["reference"] in {r["Reference"] for r in log}
    assert {r["Through"] for r in log} == {"command"}
    week_ago = datetime.datetime.now() - datetime.timedelta(days=8)
    assert all(r["When"] > week_ago for r in log), log


def test_a_change_made_today_appears_in_the_change_report_with_its_author(demo):
    editor = UserFactory(username="edith", first_name="Edith", last_name="Editor")
    activity = ProcessingActivity.objects.get(organisation=demo["ConnexAI"], reference="CNX-01")
    current = list(activity.data_categories.all())
    added = data_category("financial")
    activities.activity_update(activity=activity, user=editor, path="admin",
                               data_categories=[*current, added])

    report = produce("changes", demo["ConnexAI"])

    log = _rows(report, "All changes")
    mine = [r for r in log if r["Who"] == "Edith Editor (edith)"]
    assert [(r["Reference"], r["Change"], r["Through"]) for r in mine] == [
        ("CNX-01", "changed", "admin")]
    assert mine[0]["Details"] == f"categories of personal data: + {added}"
    assert "Edith Editor (edith)" in html_of(report)


def test_transfers_of_the_demo_name_destinations_and_mechanisms(demo):
    report = produce("transfers")

    transfers = _rows(report, "International transfers")
    assert "United States" in {r["Destination"] for r in transfers}
    assert any(r["Needs attention"] == "No transfer mechanism recorded"
               and r["Organisation"] == "Mondago Limited" for r in transfers)
    assert _rows(report, "Retention by data category")


def test_the_connexai_report_is_emailed_to_its_dpo(demo, mailoutbox):
    report = produce("health", demo["ConnexAI"])

    sent_to = services.report_email(report_id=report.pk)

    assert "compliance@connexone.ng" in sent_to
    assert mailoutbox[0].to == sent_to
