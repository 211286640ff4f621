"""The register diff: what changed in an organisation's register between two moments,
read from the history as the register stood at each."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from processing import services
from processing.diff import BadPeriod, register_diff
from processing.models import ActivityRecipient, Purpose
from tests.core.diff_scenario import DAY0, DAY1, DAY2, QUIET, build, noon
from tests.factories import data_category

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario():
    return build()


def _fields(entry) -> dict:
    return {c.field: (c.old, c.new) for c in entry.changes}


def test_the_diff_lists_exactly_what_was_added_changed_and_retired(scenario):
    diff = register_diff(scenario.organisation.pk, DAY1, DAY2)

    assert [a.reference for a in diff.added] == ["ACM-04"]
    assert [(a.reference, a.how) for a in diff.retired] == [("ACM-03", "retired")]
    assert [a.reference for a in diff.changed] == ["ACM-02"]

    [changed] = diff.changed
    purposes = sorted(Purpose.objects.filter(activity=scenario.renamed).values_list("pk", flat=True))
    recipient = ActivityRecipient.objects.get(activity=scenario.renamed)
    fields = _fields(changed)
    assert set(fields) == {"name", "lawful_bases[A6-1-a].purposes", f"recipients[{recipient.pk}]"}
    assert fields["name"] == ("Newsletter", "Monthly newsletter")
    assert fields["lawful_bases[A6-1-a].purposes"] == (purposes[:1], purposes)
    old, new = fields[f"recipients[{recipient.pk}]"]
    assert old is None
    assert (new["third_party"], new["purpose"]) == (scenario.recipient_party.pk, "Sends the emails")
    assert (changed.version_from, changed.version_to) == (4, 7)
    assert (changed.changed_by, changed.path, changed.changed_at) == ("edith", "api", noon(DAY2))

    [retired] = diff.retired
    assert _fields(retired) == {"status": ("draft", "retired")}

    [added] = diff.added
    fields = _fields(added)
    assert fields["name"] == (None, "Recruitment")
    assert fields["data_categories"] == (None, ["identity"])  # links by code
    assert (added.version_from, added.version_to, added.path) == (None, 1, "admin")


def test_a_period_without_change_has_an_empty_diff(scenario):
    assert not register_diff(scenario.organisation.pk, DAY1, QUIET)
    assert not register_diff(scenario.organisation.pk, DAY0, DAY1)
    assert not register_diff(scenario.organisation.pk, DAY2, DAY2)


def test_another_organisations_changes_are_not_in_the_diff(scenario):
    diff = register_diff(scenario.other.pk, DAY1, DAY2)
    assert [a.reference for a in diff.changed] == ["OTH-01"]
    assert not diff.added and not diff.retired
    everything = register_diff(None, DAY1, DAY2)
    assert {a.reference for a in everything.activities} == {"ACM-02", "ACM-03", "ACM-04",
                                                             "OTH-01"}


def test_moments_are_instants_too_and_a_day_means_its_end(scenario):
    before_noon = noon(DAY2).replace(hour=11)
    assert not register_diff(scenario.organisation.pk, DAY1, before_noon)
    assert len(register_diff(scenario.organisation.pk, before_noon, noon(DAY2)).activities) == 3
    # Starting at the instant of the changes leaves them out: they are in the start.
    assert not register_diff(scenario.organisation.pk, noon(DAY2), DAY2)


def test_a_change_undone_within_the_period_is_no_change(scenario):
    with time_machine.travel(noon(QUIET), tick=False):
        kept = scenario.kept
        kept.refresh_from_db()
        services.activity_update(activity=kept, name="Payroll (temporary)")
        services.activity_update(activity=kept, name="Payroll")
    diff = register_diff(scenario.organisation.pk, DAY1, QUIET)
    assert not diff


def test_a_deleted_activity_is_retired_with_its_last_values(scenario):
    with time_machine.travel(noon(QUIET), tick=False):
        scenario.kept.delete()
    diff = register_diff(scenario.organisation.pk, DAY1, QUIET)
    [gone] = diff.retired
    assert (gone.reference, gone.how, gone.version_to) == ("ACM-01", "deleted", None)
    assert _fields(gone)["name"] == ("Payroll", None)


def test_from_after_to_is_refused():
    with pytest.raises(BadPeriod, match="'from' \\(2026-03-06\\) is after 'to' \\(2026-03-04\\)"):
        register_diff(1, DAY2, DAY1)


def _queries(organisation_id, chunk_size=500) -> int:
    with CaptureQueriesContext(connection) as captured:
        register_diff(organisation_id, DAY1, DAY2, chunk_size=chunk_size)
    return len(captured.captured_queries)


def test_the_queries_are_fixed_per_chunk_whatever_the_number_of_activities(scenario):
    few = _queries(scenario.organisation.pk)
    with time_machine.travel(noon(DAY2), tick=False):
        for n in range(20):
            activity = services.activity_create(
                organisation=scenario.organisation, reference=f"ACM-{10 + n}",
                name=f"More {n}", data_categories=[data_category("identity")])
            services.purpose_add(activity=activity, description=f"Purpose {n}")
    many = _queries(scenario.organisation.pk)
    assert len(register_diff(scenario.organisation.pk, DAY1, DAY2).added) == 21
    assert many == few
    # Each further chunk costs at most its fixed queries (the reference tables are read
    # once): each moment's activities and their seven kinds of links, and each kind of
    # part with its links (a query with no owner to ask about is not sent).
    per_chunk = 2 * (1 + 7) + 2 * (5 + 3)
    chunks = len(register_diff(scenario.organisation.pk, DAY1, DAY2).activities)
    assert many < _queries(scenario.organisation.pk, chunk_size=1) <= many + (chunks - 1) * per_chunk
    assert many <= 45
