"""Bad input gets a clear message naming the field and value; nothing invalid is saved."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from entities.models import Country, ThirdParty
from processing import services
from processing.durations import parse_period
from processing.models import ProcessingActivity, RetentionRule, SpecialCategoryCondition
from tests.factories import ActivityFactory, country, data_category

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["7 years", "P", "PT", "P7", "Y7P", "P1Y..P2Y..P3Y", "P0D"])
def test_retention_period_that_does_not_parse_is_refused(value):
    activity = ActivityFactory()
    with pytest.raises(ValidationError) as exc:
        services.retention_rule_add(activity=activity, period=value)
    assert value in str(exc.value.message_dict["period"])
    assert not RetentionRule.objects.exists()


def test_retention_range_minimum_above_maximum_is_refused():
    activity = ActivityFactory()
    with pytest.raises(ValidationError) as exc:
        services.retention_rule_add(activity=activity, period="P6Y..P1Y")
    assert "minimum is longer than the maximum" in exc.value.message_dict["period"][0]
    assert not RetentionRule.objects.exists()


def test_retention_period_forms():
    assert str(parse_period("p7y")) == "P7Y"
    period = parse_period("P1Y..P6Y")
    assert period.is_range and period.humanize() == "1 year to 6 years"
    assert parse_period("P12M").humanize() == "12 months"
    rule = RetentionRule(period="P7Y", trigger="end_of_relationship", legal_source="tax law")
    assert rule.describe() == "7 years after end of the customer relationship (tax law)"


def test_retention_rule_needs_a_period_or_criteria():
    activity = ActivityFactory()
    with pytest.raises(ValidationError) as exc:
        services.retention_rule_add(activity=activity)
    assert "period" in exc.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        RetentionRule.objects.create(activity=activity)


def test_art9_condition_without_special_category_data_is_refused():
    org = ActivityFactory().organisation
    with pytest.raises(ValidationError) as exc:
        services.activity_create(
            organisation=org, name="HR", data_categories=[data_category("contact")],
            special_category_conditions=[SpecialCategoryCondition.objects.get(code="A9-2-b")])
    assert "no special category data" in exc.value.message_dict["special_category_conditions"][0]
    assert not ProcessingActivity.objects.filter(name="HR").exists()


def test_art9_condition_with_special_category_data_is_accepted():
    org = ActivityFactory().organisation
    activity = services.activity_create(
        organisation=org, name="Occupational health", data_categories=[data_category("health")],
        special_category_conditions=[SpecialCategoryCondition.objects.get(code="A9-2-h")])
    assert activity.special_category_conditions.count() == 1


@pytest.mark.parametrize("code", ["XX", "UK", "gb!", "USA", ""])
def test_country_code_that_does_not_exist_is_refused(code):
    with pytest.raises(ValidationError) as exc:
        Country.objects.by_code(code)
    assert f"'{code.strip().upper()}'" in str(exc.value) or f"'{code}'" in str(exc.value)


def test_country_lookup_by_code():
    assert Country.objects.by_code(" lu ").name == "Luxembourg"


def test_invalid_country_record_is_refused():
    with pytest.raises(ValidationError) as exc:
        Country(code="XX", name="Nowhere").full_clean()
    assert "XX" in exc.value.message_dict["code"][0]


def test_unknown_field_and_protected_field_are_refused():
    activity = ActivityFactory()
    with pytest.raises(ValidationError) as exc:
        services.activity_update(activity=activity, colour="blue")
    assert "colour" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.activity_update(activity=activity, version=99)
    assert "version" in exc.value.message_dict


def test_recipient_needs_a_name_or_a_category():
    activity = ActivityFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        activity.recipients.create()


def test_transfer_needs_a_destination():
    activity = ActivityFactory()
    with pytest.raises(ValidationError) as exc:
        services.transfer_add(activity=activity)
    assert "destination" in str(exc.value)
    assert not activity.transfers.exists()


def test_duplicate_reference_in_one_register_is_refused():
    activity = ActivityFactory(reference="PA-001")
    with pytest.raises(ValidationError) as exc:
        services.activity_create(organisation=activity.organisation, name="x", reference="PA-001")
    [message] = exc.value.message_dict["reference"]
    assert message.startswith("PA-001 is already used in the register of ")
    assert "leave it empty to get PA-002" in message


def test_lawful_basis_scope_outside_the_activity_is_refused():
    from tests.factories import basis

    activity = services.activity_create(
        organisation=ActivityFactory().organisation, name="Support",
        data_categories=[data_category("contact")])
    with pytest.raises(ValidationError) as exc:
        services.lawful_basis_add(activity=activity, basis=basis("A6-1-a"),
                                  data_categories=[data_category("health")])
    assert "Not among the activity's categories of personal data: Health data." in (
        exc.value.message_dict["data_categories"][0])
    assert not activity.lawful_bases.exists()


def test_third_party_with_an_empty_name_is_refused():
    org = ActivityFactory().organisation
    with pytest.raises(ValidationError):
        ThirdParty(organisation=org, name="", kind="processor", country=country("GB")).full_clean()
