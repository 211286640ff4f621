"""What each report kind says about a register built with factories."""

import datetime
import re
import zoneinfo
from collections import Counter

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from processing import services as activities
from processing.completeness import register_completeness
from processing.models import RetentionRule
from processing.synthetic import generate_register
from reports import services
from reports.models import ReportStatus
from tests.factories import (
    ActivityFactory,
    PurposeFactory,
    TransferFactory,
    UserFactory,
    complete_activity,
    country,
    data_category,
    mechanism,
)
from tests.reports.helpers import html_of, produce, sheet_rows, workbook

pytestmark = pytest.mark.django_db


def _rows_by_header(book, title):
    rows = sheet_rows(book, title)
    header = rows[0]
    return [dict(zip(header, row, strict=False)) for row in rows[1:]]


# --- health -------------------------------------------------------------------------------

def test_health_counts_findings_by_rule_severity_and_organisation(register):
    report = produce("health", register["acme"])

    assert report.status == ReportStatus.DONE, report.failure_reason
    summary = report.summary
    assert summary["activities"] == 4  # Other Ltd's activities are not counted
    assert summary["by_code"] == {
        "A30-DATA": 1, "A30-PURPOSES": 1, "A30-RECIPIENTS": 1, "A30-RETENTION": 1,
        "A30-SECURITY": 1, "A30-SUBJECTS": 1, "A6-BASIS": 1, "CH5-MECHANISM": 1,
        "REVIEW-OVERDUE": 1,
    }
    assert summary["by_severity"] == {"error": 8, "warning": 1, "info": 0}
    assert summary["by_organisation"] == {"Acme Ltd": {
        "activities": 4, "with_findings": 2, "error": 8, "warning": 1}}

    book = workbook(report.xlsx_file)
    assert book.sheetnames == ["Summary", "Findings by rule", "Findings by organisation",
                               "Completeness by organisation", "Completeness of Art 30 items",
                               "Findings"]
    findings = _rows_by_header(book, "Findings")
    assert {(r["Reference"], r["Code"]) for r in findings if r["Reference"] == "ACM-03"} == {
        ("ACM-03", "REVIEW-OVERDUE"), ("ACM-03", "CH5-MECHANISM")}
    india = next(r for r in findings if r["Code"] == "CH5-MECHANISM")
    assert "India" in india["What to do"]
    assert all(r["Organisation"] == "Acme Ltd" for r in findings)


def test_health_completeness_per_article_30_item(register):
    report = produce("health", register["acme"])

    book = workbook(report.xlsx_file)
    completeness = {r["Article"]: r for r in _rows_by_header(book, "Completeness of Art 30 items")}
    purposes = completeness["Art 30(1)(b)"]
    assert purposes["Item"] == "Purposes of the processing"
    assert (purposes["Records concerned"], purposes["Complete"], purposes["Partial"],
            purposes["Missing"], purposes["Complete (%)"]) == (4, 3, 0, 1, 75.0)
    # The transfer to India has no mechanism; the one to the US is under SCCs.
    transfers = completeness["Art 30(1)(e)"]
    assert (transfers["Complete"], transfers["Missing"]) == (3, 1)
    # No processor record in the register: the item concerns no record.
    served = completeness["Art 30(2)(a)"]
    assert (served["Records concerned"], served["Complete (%)"]) == (0, None)
    assert report.summary["completeness"]["by_item"]["1f"] == 75.0
    assert report.summary["completeness"]["by_item"]["2a"] is None


def test_health_completeness_per_organisation(register):
    report = produce("health", register["acme"])

    # ACM-01 and ACM-04 complete; ACM-02 has only (a) and (e); ACM-03 misses (e).
    mean = round((100 + round(200 / 7) + round(600 / 7) + 100) / 4, 1)
    assert report.summary["completeness"]["score"] == mean
    assert report.summary["completeness"]["by_organisation"] == {"Acme Ltd": mean}
    rows = _rows_by_header(workbook(report.xlsx_file), "Completeness by organisation")
    assert [r["Organisation"] for r in rows] == ["Acme Ltd"]  # Other Ltd is not reported on
    acme = rows[0]
    assert (acme["Activities"], acme["Activities complete"], acme["Mean score (%)"]) == (4, 2, mean)
    assert acme["Art 30(1)(a) complete (%)"] == 100.0
    assert acme["Art 30(1)(c) complete (%)"] == 75.0
    assert acme["Art 30(2)(b) complete (%)"] is None
    figures = {f["label"]: f for f in report.summary["figures"]}
    assert figures["Mean completeness score (%)"]["value"] == mean
    assert "Completeness by organisation" in html_of(report)


def test_health_completeness_trend(register, today):
    produce("health", register["acme"], period=today - datetime.timedelta(days=7))
    PurposeFactory(activity=register["empty"], description="Now documented")

    second = produce("health", register["acme"])

    figures = {f["label"]: f for f in second.summary["figures"]}
    # ACM-02 gains (b): three of its seven items complete instead of two.
    before = round((100 + round(200 / 7) + round(600 / 7) + 100) / 4, 1)
    after = round((100 + round(300 / 7) + round(600 / 7) + 100) / 4, 1)
    assert figures["Mean completeness score (%)"]["value"] == after
    assert figures["Mean completeness score (%)"]["change"] == round(after - before, 1) > 0


def test_health_trend_against_the_previous_report(register, today):
    first = produce("health", register["acme"], period=today - datetime.timedelta(days=7))
    assert first.summary["total"] == 9
    PurposeFactory(activity=register["empty"], description="Now documented")

    second = produce("health", register["acme"])

    figures = {f["label"]: f for f in second.summary["figures"]}
    assert figures["Findings"]["value"] == 8
    assert figures["Findings"]["change"] == -1
    by_rule = {r["Code"]: r for r in _rows_by_header(workbook(second.xlsx_file),
                                                     "Findings by rule")}
    assert (by_rule["A30-PURPOSES"]["Findings"], by_rule["A30-PURPOSES"]["Previous report"],
            by_rule["A30-PURPOSES"]["Change"]) == (0, 1, -1)
    assert f"{first.period:%d %B %Y}" in html_of(second)


def test_health_page_is_self_contained_with_inline_svg_charts(register):
    report = produce("health", register["acme"])

    page = html_of(report)
    assert page.count("<svg") == 3
    assert "Findings by severity" in page
    assert not re.search(r"<script|<link|\ssrc=|@import|url\(", page)
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", page)


def test_cells_that_a_spreadsheet_would_run_are_neutralised(register):
    ActivityFactory(organisation=register["acme"], reference="ACM-09",
                    name='=HYPERLINK("http://evil.example","x")')

    report = produce("health", register["acme"])

    book = workbook(report.xlsx_file)
    names = {r["Activity"] for r in _rows_by_header(book, "Findings")}
    assert '=HYPERLINK("http://evil.example","x")' in names  # as typed, no visible quote
    cells = [c for row in book["Findings"].iter_rows() for c in row
             if str(c.value).startswith("=")]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_whole_register_health_covers_every_organisation(register):
    report = produce("health")

    assert report.organisation is None
    assert set(report.summary["by_organisation"]) == {"Acme Ltd", "Other Ltd"}
    assert report.summary["activities"] == 6


def test_health_reads_the_register_in_constant_queries(register, django_assert_max_num_queries):
    from reports.kinds import health

    report, _ = services.report_request(kind="health", organisation=register["acme"])
    with django_assert_max_num_queries(20) as small:
        health.build(report, None)
    for n in range(15):
        complete_activity(organisation=register["acme"], reference=f"BULK-{n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        content = health.build(report, None)
    assert content.summary["activities"] == 19


def _health(report, batch: int):
    from reports.kinds import health

    with CaptureQueriesContext(connection) as captured:
        content = health.build(report, None, batch_activities=batch)
    return len(captured), content


def test_whole_register_health_reads_in_fixed_queries_per_batch_and_loses_nothing():
    generate_register(activities=12, organisations=3, third_parties=9, seed=11)
    report, _ = services.report_request(kind="health")
    one_batch, _ = _health(report, 10**6)
    per_organisation, _ = _health(report, 1)
    generate_register(activities=60, organisations=3, third_parties=9, seed=12)

    # Twice the organisations, six times the activities: one batch costs the same queries,
    # a batch per organisation the same again for each organisation.
    assert _health(report, 10**6)[0] == one_batch
    per_batch = (per_organisation - one_batch) // 2
    queries, content = _health(report, 1)
    assert queries == one_batch + per_batch * 5
    assert per_batch <= 12

    # What the batches counted is what one reading of the whole register finds.
    assessed = register_completeness(today=report.period)
    found = [f for findings in assessed.findings.values() for f in findings]
    summary = content.summary
    assert summary["activities"] == len(assessed.findings) == 72
    assert summary["total"] == len(found) > 0
    assert summary["by_code"] == dict(sorted(Counter(f.code for f in found).items()))
    assert summary["completeness"]["by_organisation"] == {
        o.name: o.score for o in assessed.organisations}
    rows = list(next(s for s in content.sections if s.title == "Findings").rows)
    assert len(rows) == len(found)
    assert [r[:2] for r in rows] == sorted(r[:2] for r in rows)
    assert _health(report, 7)[1].summary == summary


# --- reviews ------------------------------------------------------------------------------

def test_reviews_overdue_and_due_within_30_days_with_owners(register):
    report = produce("reviews", register["acme"])

    assert report.summary == {**report.summary, "overdue": 1, "due_soon": 1, "unscheduled": 1}
    book = workbook(report.xlsx_file)
    overdue = _rows_by_header(book, "Overdue")
    assert [(r["Reference"], r["Owner"], r["Owner email"], r["Days overdue"]) for r in overdue] == [
        ("ACM-03", "Olivia Owner", "olivia@acme.example", 35)]
    due = _rows_by_header(book, "Due within 30 days")
    assert [(r["Reference"], r["Owner"], r["Days left"]) for r in due] == [
        ("ACM-04", "no owner", 10)]
    unscheduled = _rows_by_header(book, "No review date (active)")
    assert [r["Reference"] for r in unscheduled] == ["ACM-01"]  # ACM-02 is a draft
    by_owner = {r["Owner"]: r for r in _rows_by_header(book, "By owner")}
    assert by_owner["Olivia Owner"]["Overdue"] == 1


def test_retired_records_are_not_due_for_review(register):
    overdue = register["overdue"]
    overdue.status = "retired"
    overdue.save()

    report = produce("reviews", register["acme"])

    assert report.summary["overdue"] == 0


# --- changes ------------------------------------------------------------------------------

def _noon(day):
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=zoneinfo.ZoneInfo(
        timezone.get_current_timezone_name()))


def test_changes_since_the_previous_report_name_who_and_what(register, today):
    alice = UserFactory(username="alice", first_name="Alice", last_name="Adams")
    bob = UserFactory(username="bob")
    acme = register["acme"]
    day1, day2 = today - datetime.timedelta(days=3), today - datetime.timedelta(days=1)
    with time_machine.travel(_noon(day1), tick=False):
        kept = _create(acme, alice, "ACM-20", "Newsletter")
        retired = _create(acme, alice, "ACM-21", "Old campaign")
        first = produce("changes", acme, period=day1)
    with time_machine.travel(_noon(day2), tick=False):
        _update(kept, bob)
        _retire(retired, bob)
        second = produce("changes", acme, period=day2)

    assert first.summary["created"] == 2
    created = {r["Reference"]: r for r in _rows_by_header(workbook(first.xlsx_file), "Created")}
    assert created["ACM-20"]["Who"] == "Alice Adams (alice)"

    assert second.period_start == timezone.make_aware(
        datetime.datetime.combine(day1 + datetime.timedelta(days=1), datetime.time.min))
    assert (second.summary["created"], second.summary["changed"], second.summary["retired"]) == (
        0, 1, 1)
    log = _rows_by_header(workbook(second.xlsx_file), "All changes")
    assert {r["Who"] for r in log} == {"bob"}
    assert all(r["Through"] == "api" for r in log)
    # One write (a name and a link changed together) is one history row, one entry.
    details = [r["Details"] for r in log if r["Reference"] == "ACM-20"]
    assert (f"categories of personal data: + {data_category('financial')}; "
            "name: Newsletter → Monthly newsletter") in details
    purpose = next(r for r in log if r["What changed"] == "purposes")
    assert purpose["Details"] == "purpose added: Send the monthly newsletter"
    retired_rows = _rows_by_header(workbook(second.xlsx_file), "Retired")
    assert [(r["Reference"], r["Who"]) for r in retired_rows] == [("ACM-21", "bob")]
    # Acme's earlier history (the factories' register) is before the first report.
    assert not any(r["Reference"] == "ACM-01" for r in log)
    # What differs between the start and the end of the period, from the register diff.
    diff = {(r["Reference"], r["Field"]): (r["Change"], r["Before"], r["After"])
            for r in _rows_by_header(workbook(second.xlsx_file), "What changed")}
    assert diff[("ACM-20", "name")] == ("changed", "Newsletter", "Monthly newsletter")
    assert diff[("ACM-20", "data_categories")] == ("changed", "contact, identity",
                                                   "contact, financial, identity")
    assert diff[("ACM-21", "status")] == ("retired", "draft", "retired")
    assert {ref for ref, _field in diff} == {"ACM-20", "ACM-21"}


def _create(organisation, user, reference, name):
    return activities.activity_create(
        organisation=organisation, user=user, path="api", reference=reference, name=name,
        data_categories=[data_category("identity"), data_category("contact")])


def _update(activity, user):
    activity.refresh_from_db()
    activities.activity_update(
        activity=activity, user=user, path="api", name="Monthly newsletter",
        data_categories=[data_category("identity"), data_category("contact"),
                         data_category("financial")])
    activities.purpose_add(activity=activity, user=user, path="api",
                         description="Send the monthly newsletter")


def _retire(activity, user):
    activity.refresh_from_db()
    activities.activity_transition(activity=activity, action="retire", user=user, path="api")


# --- transfers and retention --------------------------------------------------------------

def test_transfers_destinations_mechanisms_and_issues(register):
    report = produce("transfers", register["acme"])

    book = workbook(report.xlsx_file)
    transfers = {r["Destination"]: r for r in _rows_by_header(book, "International transfers")}
    assert set(transfers) == {"United States", "India"}
    assert transfers["United States"]["Mechanism"] == mechanism("UK-ADDENDUM").name
    assert transfers["United States"]["Needs attention"] in ("", None)
    assert transfers["India"]["Mechanism"] == "none"
    assert transfers["India"]["Needs attention"] == "No transfer mechanism recorded"
    assert transfers["India"]["Status"] == "no adequacy"
    assert report.summary["transfers"] == 2
    assert report.summary["transfers_with_issue"] == 1
    assert report.summary["by_destination"] == {"United States": 1, "India": 1}


def _transfer_rows(organisation) -> dict:
    return {r["Destination"]: r for r in _rows_by_header(
        workbook(produce("transfers", organisation).xlsx_file), "International transfers")}


def test_a_mechanism_of_another_law_than_the_exporters_needs_attention(register):
    """Acme exports under UK law: an EU adequacy decision cannot cover its transfer."""
    acme = register["acme"]
    TransferFactory(activity=acme.activities.get(reference="ACM-01"), country=country("JP"),
                    mechanism=mechanism("A45-3"))

    rows = _transfer_rows(acme)

    assert rows["Japan"]["Needs attention"] == "Mechanism of another law than the exporter's"
    assert rows["India"]["Needs attention"] == "No transfer mechanism recorded"


def test_under_another_regime_no_transfer_needs_attention(register):
    acme = register["acme"]
    TransferFactory(activity=acme.activities.get(reference="ACM-01"), country=country("JP"),
                    mechanism=mechanism("A45-3"))
    acme.jurisdiction = "other"
    acme.save()

    rows = _transfer_rows(acme)

    assert rows["Japan"]["Needs attention"] in ("", None)
    assert rows["India"]["Needs attention"] in ("", None)


def test_retention_periods_by_data_category(register):
    acme = register["acme"]
    partial = ActivityFactory(organisation=acme, reference="ACM-10", name="Call recording")
    partial.data_categories.set([data_category("identity"), data_category("contact")])
    RetentionRule.objects.create(activity=partial, data_category=data_category("identity"),
                                 period="P12M", trigger="call_date")

    report = produce("transfers", acme)

    book = workbook(report.xlsx_file)
    rows = _rows_by_header(book, "Retention by data category")
    call = [r for r in rows if r["Reference"] == "ACM-10"]
    assert [(r["Data category"], r["Period (ISO 8601)"], r["Scope"]) for r in call] == [
        (str(data_category("identity")), "P12M", None)]
    everything = [r for r in rows if r["Reference"] == "ACM-01"]
    assert {r["Data category"] for r in everything} == {
        str(data_category("identity")), str(data_category("contact"))}
    assert all(r["Scope"] == "all the activity's data" for r in everything)
    missing = _rows_by_header(book, "Categories with no retention")
    assert [(r["Data category"], r["Reference"]) for r in missing] == [
        (str(data_category("contact")), "ACM-10")]
