"""The migration to one version per recorded change renumbers the history an activity
already has: 1..n in the order written, the activity at n, each part's rows under the
version of the activity row written last before them."""

import datetime

import pytest

from tests.core.migrating import migrate as _migrate
from tests.core.migrating import migrate_to_latest

BEFORE = [("processing", "0006_owner_is_a_person")]
AFTER = [("processing", "0008_one_version_per_recorded_change")]


@pytest.mark.django_db(transaction=True)
def test_existing_history_is_numbered_1_to_n():
    old = _migrate(BEFORE)
    try:
        organisation = old.get_model("entities", "Organisation")
        activity_model = old.get_model("processing", "ProcessingActivity")
        historical = old.get_model("processing", "HistoricalProcessingActivity")
        historical_purpose = old.get_model("processing", "HistoricalPurpose")
        acme = organisation.objects.create(name="Acme Ltd")
        activity = activity_model.objects.create(organisation=acme, reference="A-1",
                                                 name="Payroll", version=6)
        start = datetime.datetime(2025, 3, 1, 9, tzinfo=datetime.UTC)

        def row(minutes, version, kind="~"):
            historical.objects.create(
                id=activity.pk, organisation_id=acme.pk, reference="A-1", name="Payroll",
                history_date=start + datetime.timedelta(minutes=minutes), history_type=kind,
                version=version, created_at=start, updated_at=start, role="controller",
                status="draft")

        def purpose_row(minutes, kind):
            historical_purpose.objects.create(
                id=1, activity_id=activity.pk, description="Pay staff", position=1,
                history_date=start + datetime.timedelta(minutes=minutes), history_type=kind)

        # The old services: the same version on several rows, parts without a row of the
        # activity, and a version ahead of the history.
        row(0, 1, "+")
        purpose_row(1, "+")
        row(10, 4)
        row(20, 4)
        purpose_row(30, "~")
        row(40, 5)
    finally:
        new = _migrate(AFTER)
        migrate_to_latest()

    historical = new.get_model("processing", "HistoricalProcessingActivity")
    rows = historical.objects.filter(id=activity.pk).order_by("history_date")
    assert [r.version for r in rows] == [1, 2, 3, 4]
    assert new.get_model("processing", "ProcessingActivity").objects.get(
        pk=activity.pk).version == 4
    purposes = new.get_model("processing", "HistoricalPurpose").objects.order_by("history_date")
    assert [p.owner_version for p in purposes] == [1, 3]
