"""References are allocated without races: two transactions creating activities in one
register at the same time, each on its own PostgreSQL connection."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from processing import services
from processing.models import ProcessingActivity
from tests.factories import OrganisationFactory

#: How long the first transaction stays open after its insert, so the second runs while
#: the first has not committed.
HOLD = 0.5


def _concurrently(organisation, second_fields: dict) -> dict:
    """The first transaction creates an activity and holds; the second then creates one in
    the same register. Returns each one's reference, or the exception it raised."""
    results: dict[str, object] = {}
    inserted = threading.Event()

    def first():
        try:
            with transaction.atomic():
                results["first"] = services.activity_create(
                    organisation=organisation, name="First").reference
                inserted.set()
                time.sleep(HOLD)
                results["first commits"] = time.monotonic()
        except Exception as exc:
            results["first"] = exc
            inserted.set()
        finally:
            connection.close()

    def second():
        try:
            assert inserted.wait(10)
            results["second"] = services.activity_create(
                organisation=organisation, name="Second", **second_fields).reference
        except Exception as exc:
            results["second"] = exc
        finally:
            results["second done"] = time.monotonic()
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_creates_get_two_references():
    organisation = OrganisationFactory()
    results = _concurrently(organisation, {})
    assert (results["first"], results["second"]) == ("PA-001", "PA-002")
    # The second waited for the first to commit before it chose its reference.
    assert results["second done"] >= results["first commits"]
    assert sorted(ProcessingActivity.objects.filter(organisation=organisation)
                  .values_list("reference", flat=True)) == ["PA-001", "PA-002"]


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_explicit_reference_clash_is_a_validation_error():
    organisation = OrganisationFactory(name="Akixi Limited")
    results = _concurrently(organisation, {"reference": "PA-001"})
    assert results["first"] == "PA-001"
    error = results["second"]
    assert isinstance(error, ValidationError), repr(error)
    assert error.message_dict["reference"] == [
        "PA-001 is already used in the register of Akixi Limited: choose another reference, "
        "or leave it empty to get PA-002."]
    assert ProcessingActivity.objects.filter(organisation=organisation).count() == 1


@pytest.mark.django_db(transaction=True)
def test_creates_in_two_registers_do_not_wait_for_each_other():
    first, second = OrganisationFactory(), OrganisationFactory()
    with transaction.atomic():
        services.activity_create(organisation=first, name="Held")
        results = {}

        def other():
            try:
                results["other"] = services.activity_create(organisation=second, name="Free").reference
            finally:
                connection.close()

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(10)
        # Done while the first register's lock is still held.
        assert not thread.is_alive()
    assert results["other"] == "PA-001"
