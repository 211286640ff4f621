"""Findings summaries are stored so lists filter by findings in SQL; they are made again
whenever they could be wrong (another version of the activity, another day, a change to a
third party or the reference data) before a filter reads them."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from processing import services
from processing.findings import (
    HAS_FINDINGS,
    activity_findings,
    forget_summaries,
    refresh_summaries,
    with_fresh_summaries,
)
from processing.models import FindingSummary, ProcessingActivity
from processing.tasks import refresh_finding_summaries
from tests.factories import complete_activity

pytestmark = pytest.mark.django_db


def _with_findings():
    return set(with_fresh_summaries(ProcessingActivity.objects.all()).filter(HAS_FINDINGS)
               .values_list("reference", flat=True))


def test_a_filter_makes_the_missing_summaries_and_counts_by_severity():
    clean = complete_activity(reference="PA-001")
    broken = complete_activity(reference="PA-002")
    broken.security_measures.clear()
    services.activity_update(activity=broken, security_description="", next_review_on=None,
                             last_reviewed_on=None)
    assert FindingSummary.objects.count() == 0
    assert _with_findings() == {"PA-002"}
    summary = FindingSummary.objects.get(activity=broken)
    found = activity_findings(broken)
    assert summary.codes == sorted({f.code for f in found}) and "A30-SECURITY" in summary.codes
    assert (summary.errors, summary.warnings, summary.notes) == tuple(
        sum(f.severity == s for f in found) for s in ("error", "warning", "info"))
    assert summary.version == ProcessingActivity.objects.get(pk=broken.pk).version
    assert FindingSummary.objects.get(activity=clean).codes == []


def test_a_change_to_the_activity_is_seen_by_the_next_filter(django_assert_max_num_queries):
    activity = complete_activity(reference="PA-001")
    assert _with_findings() == set()
    with django_assert_max_num_queries(3):  # nothing stale: nothing read again
        assert _with_findings() == set()
    services.activity_update(activity=activity, security_description="",
                             security_measures=[])
    assert _with_findings() == {"PA-001"}


def test_a_new_day_runs_the_date_rules_again():
    activity = complete_activity(reference="PA-001")
    services.activity_update(activity=activity, last_reviewed_on=None,
                             next_review_on=timezone.localdate() + datetime.timedelta(days=1))
    assert _with_findings() == set()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3)):
        assert _with_findings() == {"PA-001"}
        assert FindingSummary.objects.get().codes == ["REVIEW-OVERDUE"]


def test_a_change_outside_the_activity_drops_the_summaries_of_its_organisation():
    activity = complete_activity(reference="PA-001")
    other = complete_activity(reference="PA-900")
    refresh_summaries(ProcessingActivity.objects.all())
    forget_summaries(organisation_id=activity.organisation_id)
    assert list(FindingSummary.objects.values_list("activity_id", flat=True)) == [other.pk]
    forget_summaries()
    assert not FindingSummary.objects.exists()


def test_retired_activities_have_empty_summaries_and_the_nightly_task_covers_all():
    complete_activity(reference="PA-001", status="retired")
    broken = complete_activity(reference="PA-002")
    services.activity_update(activity=broken, security_description="", security_measures=[])
    assert refresh_finding_summaries() == 2
    assert dict(FindingSummary.objects.values_list("activity__reference", "errors")) == {
        "PA-001": 0, "PA-002": 1}


def test_a_third_party_fixed_through_the_services_is_seen_by_the_next_filter():
    from entities import services as entity_services
    from tests.factories import RecipientFactory, ThirdPartyFactory

    activity = complete_activity(reference="PA-001")
    party = ThirdPartyFactory(organisation=activity.organisation, kind="processor",
                              contract_link="")
    RecipientFactory(activity=activity, third_party=party)
    assert _with_findings() == {"PA-001"}
    entity_services.entity_save(model=type(party), instance=party,
                                contract_link="https://example.com/dpa.pdf")
    assert _with_findings() == set()
