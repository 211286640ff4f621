"""A whole register is read a batch of organisations at a time (``OrganisationBatches``):
the same records as one reading, queries fixed per batch, one moment of the database."""

import datetime
import random
import threading

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from processing import services
from processing.models import ProcessingActivity, Purpose
from processing.register import read_register
from processing.register.batches import one_snapshot
from processing.synthetic import generate_register


def _organisations(**kwargs):
    return list(read_register(**kwargs).organisations)


@pytest.mark.django_db
@pytest.mark.parametrize("batch", [1, 7, 40])
def test_batches_read_the_same_records_as_one_reading(batch):
    generate_register(activities=60, organisations=5, third_parties=15, seed=3)

    whole = _organisations(batch_activities=10**6)
    batched = _organisations(batch_activities=batch)

    assert [o.name for o in whole] == sorted(o.name for o in whole)
    assert sum(len(o.activities) for o in whole) == 60
    assert batched == whole


@pytest.mark.django_db
def test_batches_of_a_register_as_of_a_day_are_its_records_of_that_day():
    generate_register(activities=20, organisations=3, third_parties=9, seed=4)
    import datetime

    today = datetime.date.today()
    assert _organisations(as_of=today, batch_activities=1) == _organisations(as_of=today)
    assert _organisations(as_of=today) == _organisations()


def _queries(**kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        for organisation in read_register(**kwargs).organisations:
            assert organisation.name
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize("as_of", [None, "today"], ids=["current", "as-of"])
def test_queries_are_fixed_per_batch_whatever_the_batch_holds(as_of):
    moment = {} if as_of is None else {"as_of": datetime.date.today()}
    generate_register(activities=12, organisations=4, third_parties=12, seed=5)
    one_batch = _queries(**moment)
    per_organisation = _queries(batch_activities=1, **moment)
    generate_register(activities=120, organisations=4, third_parties=12, seed=6)

    # Twice the organisations, ten times the activities: one batch costs the same queries,
    # a batch per organisation the same again per organisation.
    assert _queries(**moment) == one_batch
    per_batch = (per_organisation - one_batch) // 3
    assert _queries(batch_activities=1, **moment) == one_batch + per_batch * 7
    assert per_batch <= 10


MADE = datetime.datetime(2025, 3, 1, 10, 0, tzinfo=datetime.UTC)
CHANGED = datetime.datetime(2025, 3, 3, 10, 0, tzinfo=datetime.UTC)


def _change_some(seed: int) -> None:
    """Rename, retire, drop a purpose of and add one to a few activities chosen by ``seed``."""
    rng = random.Random(seed)
    activities = list(ProcessingActivity.objects.order_by("pk"))
    for activity in rng.sample(activities, 3):
        services.activity_update(activity=activity, name=f"{activity.name} (renamed)")
    services.activity_transition(activity=rng.choice(activities), action="retire")
    purposes = list(Purpose.objects.order_by("pk"))
    services.part_delete(instance=rng.choice(purposes))
    services.purpose_add(activity=rng.choice(activities), description="Added later")


@pytest.mark.django_db
@settings(max_examples=4, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), batch=st.sampled_from([1, 6, 10**6]))
def test_as_of_is_the_generated_register_as_it_stood_then(seed, batch):
    """A generated register, read as of a moment before some of it changed (each object's
    last version before it looked up batch by batch), is the register read then; as of a
    moment after, the register read now."""
    with transaction.atomic():
        with time_machine.travel(MADE, tick=False):
            generate_register(activities=18, organisations=3, third_parties=9, seed=seed)
            then = _organisations()
        with time_machine.travel(CHANGED, tick=False):
            _change_some(seed)
            now = _organisations()
        assert now != then

        between = MADE + datetime.timedelta(hours=1)
        assert _organisations(as_of=between, batch_activities=batch) == then
        assert _organisations(as_of=CHANGED, batch_activities=batch) == now
        assert _organisations(as_of=MADE - datetime.timedelta(seconds=1)) == []
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_outline_names_every_activity_read_without_reading_them():
    generate_register(activities=30, organisations=3, third_parties=9, seed=8)
    register = read_register(status="active", batch_activities=4)

    with CaptureQueriesContext(connection) as captured:
        outline = register.outline()
    assert len(captured) == 1
    assert [(o.id, o.name, [(a.id, a.reference, a.name, a.status) for a in o.activities])
            for o in outline] == [
        (o.id, o.name, [(a.id, a.reference, a.name, a.status) for a in o.activities])
        for o in register.organisations]
    assert {a.status for o in outline for a in o.activities} == {"active"}


@pytest.mark.django_db(transaction=True)
def test_a_register_read_in_batches_is_one_moment_while_others_write():
    generate_register(activities=4, organisations=2, third_parties=6, seed=9)
    first_name, second_name = sorted(
        read_register().organisations, key=lambda o: o.name)[1].activities[0].name, None

    def rename_the_last_organisations_activities():
        last = sorted(read_register().organisations, key=lambda o: o.name)[-1]
        ProcessingActivity.objects.filter(organisation_id=last.id).update(name="Renamed meanwhile")
        connection.close()

    with one_snapshot():
        batches = iter(read_register(batch_activities=1).organisations)
        next(batches)
        writer = threading.Thread(target=rename_the_last_organisations_activities)
        writer.start()
        writer.join()
        second_name = next(batches).activities[0].name

    assert second_name == first_name != "Renamed meanwhile"
    assert ProcessingActivity.objects.filter(name="Renamed meanwhile").exists()
