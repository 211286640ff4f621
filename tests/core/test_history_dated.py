"""``history_dated``: the history rows the services write inside it are dated at the
moment given (simple-history's pre_create_historical_record signal, a public hook); the
records themselves are written as usual."""

import datetime

import pytest
from django.utils import timezone

from processing import services
from ropa.audit import history_dated
from tests.factories import ActivityFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_rows_written_inside_are_dated_at_the_moment_and_after_it_at_now():
    organisation = OrganisationFactory()
    then = timezone.now() - datetime.timedelta(days=400)
    with history_dated(then):
        activity = services.activity_create(organisation=organisation, reference="A-1",
                                            name="Payroll")
        services.purpose_add(activity=activity, description="Paying staff")
    services.activity_update(activity=activity, name="Payroll and pensions")

    rows = list(activity.history.order_by("history_id"))
    assert [r.history_date for r in rows[:-1]] == [then] * (len(rows) - 1)
    assert rows[-1].history_date > then + datetime.timedelta(days=399)
    assert activity.purposes.get().history.get().history_date == then
    # The register as of a day between has the activity under its first name.
    from processing.register import read_register
    as_of = read_register(as_of=timezone.localdate(then + datetime.timedelta(days=1)))
    assert [a.name for o in as_of.organisations for a in o.activities] == ["Payroll"]


def test_a_naive_moment_is_refused():
    naive = datetime.datetime(2025, 1, 1)
    with pytest.raises(ValueError, match="aware datetime"), history_dated(naive):
        pass


def test_outside_the_block_rows_are_dated_now_again():
    then = timezone.now() - datetime.timedelta(days=30)
    with history_dated(then):
        pass
    activity = ActivityFactory()
    assert activity.history.latest().history_date > then + datetime.timedelta(days=29)
