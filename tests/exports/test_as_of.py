import datetime
import json

import pytest
import time_machine

from processing import services
from processing.exports.registry import export_register
from processing.models import ActivityRecipient, ProcessingActivity
from tests.exports.conftest import build_rich_register
from tests.factories import basis, data_category, subject_category

DAY1 = datetime.datetime(2025, 3, 1, 10, 0, tzinfo=datetime.UTC)
DAY3 = datetime.datetime(2025, 3, 3, 10, 0, tzinfo=datetime.UTC)


def sheets(fmt="json", **kwargs):
    content, _ = export_register(fmt, **kwargs)
    return json.loads(content)["sheets"]


@pytest.fixture
def changed_register(db):
    """Built on 1 March; on 3 March one activity gains a data category and a subject,
    loses a recipient and a purpose, gets a new lawful basis, and another is retired."""
    with time_machine.travel(DAY1, tick=False):
        org = build_rich_register()
        before = sheets()
    with time_machine.travel(DAY3, tick=False):
        marketing = ProcessingActivity.objects.get(reference="PA-001")
        services.activity_update(
            activity=marketing, name="Joint marketing (renamed)",
            data_categories=[*marketing.data_categories.all(), data_category("usage")],
            data_subjects=[*marketing.data_subjects.all(), subject_category("website-visitors")],
        )
        services.part_delete(instance=ActivityRecipient.objects.filter(activity=marketing,
                                                                       category__isnull=False).get())
        services.part_delete(instance=marketing.purposes.get(description="Measure campaign results"))
        services.lawful_basis_add(activity=marketing, basis=basis("A6-1-b"))
        services.activity_transition(activity=ProcessingActivity.objects.get(reference="PA-003"),
                                     action="retire")
        after = sheets()
    return org, before, after


def test_as_of_a_day_before_the_change_is_the_register_as_exported_that_day(changed_register):
    _, before, after = changed_register
    assert before != after
    assert sheets(as_of=datetime.date(2025, 3, 1)) == before
    assert sheets(as_of=datetime.date(2025, 3, 2)) == before
    assert sheets(as_of=datetime.date(2025, 3, 3)) == after
    assert sheets(as_of=datetime.date(2025, 2, 28))["Activities"] == []


def test_as_of_differs_exactly_by_the_change(changed_register):
    _, before, after = changed_register
    old, new = sheets(as_of=datetime.date(2025, 3, 2)), sheets(as_of=datetime.date(2025, 3, 3))
    assert (old, new) == (before, after)
    changed = {name for name in old if old[name] != new[name]}
    assert changed == {"Activities", "Purposes", "LawfulBases", "Recipients"}

    def by_ref(rows):
        return {r["Reference"]: r for r in rows}

    old_acts, new_acts = by_ref(old["Activities"]), by_ref(new["Activities"])
    diff = {ref: {k for k in old_acts[ref] if old_acts[ref][k] != new_acts[ref][k]} for ref in old_acts}
    assert diff == {
        "PA-001": {"Name", "Data categories", "Data subjects"},
        "PA-002": set(), "PA-003": {"Status"}, "PA-004": set(),
    }
    assert new_acts["PA-001"]["Data categories"] == ["contact", "identity", "marketing-preferences",
                                                     "usage"]
    assert new_acts["PA-003"]["Status"] == "retired"
    assert [r["Purpose"] for r in new["Purposes"] if r["Activity reference"] == "PA-001"] == [
        "Send newsletters"]
    assert [r for r in old["Recipients"] if r not in new["Recipients"]] == [
        {"Organisation": "Mondago Limited", "Activity reference": "PA-001", "Third party": "",
         "Recipient category": "crm-provider", "Data disclosed": [], "Why it receives the data": ""}]
    assert [r["Lawful basis"] for r in new["LawfulBases"] if r not in old["LawfulBases"]] == ["A6-1-b"]


def test_as_of_ico_export_leaves_out_what_was_retired_later(changed_register):
    from processing.exports.ico import HEADER_ROW
    from tests.exports.helpers import xlsx_cells

    old = xlsx_cells(export_register("ico-xlsx", as_of=datetime.date(2025, 3, 2))[0])
    new = xlsx_cells(export_register("ico-xlsx", as_of=datetime.date(2025, 3, 3))[0])
    assert len(old["Processor"]) == HEADER_ROW + 1  # contact block, header row, PA-003
    assert len(new["Processor"]) == HEADER_ROW  # PA-003 retired on 3 March
