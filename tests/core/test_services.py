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
                                 today=datetime.date(2026, 1, 15),
                                 override_reason="Recorded before its details are known")
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


def test_activity_save_collects_every_part_error_under_its_label():
    from processing.models import ActivityRecipient, RetentionRule
    from tests.factories import ThirdPartyFactory, data_category

    activity = services.activity_create(organisation=ActivityFactory().organisation, name="Support",
                                        data_categories=[data_category("contact")])
    foreign = ThirdPartyFactory()
    version = activity.version
    with pytest.raises(ValidationError) as exc:
        services.activity_save(activity=activity, fields={"name": "Support desk"}, parts=[
            services.PartChange(Purpose, fields={"description": "Answer", "position": 1},
                                label="purposes[0]"),
            services.PartChange(ActivityRecipient, fields={"third_party": foreign},
                                label="recipients[0]"),
            services.PartChange(RetentionRule, fields={
                "period": "P1Y", "data_category": data_category("health")}, label="retention_rules[0]"),
        ])
    errors = exc.value.message_dict
    assert sorted(errors) == ["recipients[0].third_party", "retention_rules[0].data_category"]
    assert errors["recipients[0].third_party"] == [
        f"Recipient id {foreign.pk} is not in the register of {activity.organisation}: choose one "
        "of its third parties, or add it to that register first."]
    assert "Health data" in errors["retention_rules[0].data_category"][0]
    # Nothing was written: not the activity's new name, not the valid purpose.
    activity.refresh_from_db()
    assert (activity.name, activity.version) == ("Support", version)
    assert not activity.purposes.exists()


def test_activity_save_links_a_basis_to_a_purpose_written_in_the_same_call():
    from processing.models import ActivityLawfulBasis
    from tests.factories import basis

    activity = ActivityFactory()
    purpose = services.PartChange(Purpose, fields={"description": "Surveys", "position": 1})
    services.activity_save(activity=activity, parts=[
        purpose,
        services.PartChange(ActivityLawfulBasis, fields={
            "basis": basis("A6-1-a"), "consent_record_link": "https://consent.example.com",
            "purposes": [purpose]}),
    ])
    use = activity.lawful_bases.get()
    assert list(use.purposes.all()) == [purpose.instance] and purpose.created


def test_a_purpose_of_another_activity_cannot_limit_a_basis():
    from tests.factories import PurposeFactory, basis

    activity = ActivityFactory()
    other = PurposeFactory()
    with pytest.raises(ValidationError) as exc:
        services.lawful_basis_add(activity=activity, basis=basis("A6-1-b"), purposes=[other])
    assert exc.value.message_dict["purposes"] == [
        f"Purpose id {other.pk} is not one of this activity's purposes: a lawful basis is "
        "limited to purposes of its own activity."]
