import datetime

import pytest
from django.core.exceptions import ValidationError

from processing import services
from processing.models import ProcessingActivity, Purpose
from tests.factories import ActivityFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_references_are_allocated_in_sequence(organisation):
    first = services.activity_create(organisation=organisation, name="A")
    second = services.activity_create(organisation=organisation, name="B")
    assert (first.reference, second.reference) == ("PA-001", "PA-002")


def test_stale_write_is_refused_and_changes_nothing():
    activity = ActivityFactory(name="Payroll")
    seen = activity.version
    services.activity_update(activity=activity, expected_version=seen, name="Payroll (UK)")
    stale = ProcessingActivity.objects.get(pk=activity.pk)
    with pytest.raises(services.StaleWrite):
        services.activity_update(activity=stale, expected_version=seen, name="Payroll (US)")
    activity.refresh_from_db()
    assert activity.name == "Payroll (UK)"
    assert activity.version == seen + 1


def test_changing_a_part_raises_the_activity_version():
    activity = ActivityFactory()
    before = activity.version
    services.purpose_add(activity=activity, description="Pay staff")
    activity.refresh_from_db()
    assert activity.version == before + 1


def test_review_workflow_sets_review_dates():
    user = UserFactory()
    activity = ActivityFactory()
    services.activity_transition(activity=activity, action="submit", user=user)
    services.activity_transition(activity=activity, action="approve", user=user,
                                 today=datetime.date(2026, 1, 15))
    activity.refresh_from_db()
    assert activity.status == "active"
    assert activity.last_reviewed_on == datetime.date(2026, 1, 15)
    assert activity.next_review_on == datetime.date(2027, 1, 15)
    with pytest.raises(ValidationError) as exc:
        services.activity_transition(activity=activity, action="approve")
    assert "Cannot approve an activity that is active" in exc.value.message_dict["status"][0]
    with pytest.raises(ValidationError):
        services.activity_transition(activity=activity, action="explode")


def test_part_delete_keeps_history():
    activity = ActivityFactory()
    purpose = services.purpose_add(activity=activity, description="Pay staff")
    purpose_id = purpose.pk
    services.part_delete(instance=purpose)
    assert not activity.purposes.exists()
    assert Purpose.history.filter(id=purpose_id, history_type="-").exists()
