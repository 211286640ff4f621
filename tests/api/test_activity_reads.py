"""The activity reads of the API give what the ORM and DRF would give, in fewer steps:
``queries.attach_register`` loads what ``with_register()`` prefetches, and the compiled
``ActivitySerializer.to_representation`` answers what DRF's field-by-field one does."""

import datetime
import json

import pytest
from django.utils import timezone
from rest_framework import serializers

from entities.models import RecipientCategory
from processing.api import queries
from processing.api.serializers import ActivitySerializer, _description
from processing.findings import activity_findings
from processing.models import (
    ActivityLawfulBasis,
    ActivityRecipient,
    ProcessingActivity,
    RetentionRule,
    Schedule1Condition,
    SpecialCategoryCondition,
)
from tests.api.conftest import member
from tests.factories import (
    ActivityFactory,
    LawfulBasisUseFactory,
    PurposeFactory,
    RecipientFactory,
    RetentionRuleFactory,
    ThirdPartyFactory,
    TransferFactory,
    basis,
    country,
    data_category,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/activities/"


@pytest.fixture
def varied(org, activity, marketing):
    """Activities that take every branch of the read: empty lists and empty keys, scopes,
    conditions, processors and joint controllers, recipients named by category only,
    transfers to an international organisation, rules by criteria."""
    owner = member(org, "contributor", "owner")
    category = RecipientCategory.objects.order_by("pk").first()
    b_party, a_party = (ThirdPartyFactory(organisation=org, name=n, category=category)
                        for n in ("B processor", "A processor"))

    processor = ActivityFactory(organisation=org, reference="PA-300", role="processor",
                                owner=owner, status="retired",
                                status_changed_at=timezone.now(),
                                last_reviewed_on=datetime.date(2024, 2, 29),
                                next_review_on=datetime.date(2025, 2, 28))
    processor.controllers_served.set([b_party, a_party])
    second = PurposeFactory(activity=processor, description="Second", position=2)
    PurposeFactory(activity=processor, description="First", position=1)
    RecipientFactory(activity=processor, third_party=None, category=category, purpose="Hosting")
    RecipientFactory(activity=processor, third_party=a_party)
    TransferFactory(activity=processor, country=None, mechanism=None,
                    international_organisation="World Bank")
    TransferFactory(activity=processor, third_party=b_party, mechanism=None,
                    safeguards="Encrypted at rest")
    RetentionRuleFactory(activity=processor, period="", trigger="", criteria="Until the claim ends")
    RetentionRuleFactory(activity=processor, period="P1Y..P6Y", trigger="other",
                         trigger_description="the audit", legal_source="Tax law",
                         data_category=data_category("contact"))

    joint = ActivityFactory(organisation=org, reference="PA-400", role="joint_controller",
                            next_review_on=datetime.date(2020, 1, 1))
    joint.joint_controllers.set([a_party])
    joint.data_categories.set([data_category("health"), data_category("contact")])
    joint.special_category_conditions.set(SpecialCategoryCondition.objects.order_by("-code")[:2])
    joint.schedule1_conditions.set(Schedule1Condition.objects.order_by("-id")[:3])
    use = LawfulBasisUseFactory(activity=joint, basis=basis("A6-1-f"),
                                legitimate_interest="Fraud prevention")
    use.purposes.set([PurposeFactory(activity=joint, description="Prevent fraud")])
    LawfulBasisUseFactory(activity=joint, basis=basis("A6-1-c"))
    use.data_categories.set([data_category("health"), data_category("contact")])
    ActivityRecipient.objects.get(pk=RecipientFactory(activity=joint).pk).data_categories.set(
        [data_category("contact")])

    bare = ActivityFactory(organisation=org, reference="PA-500")
    scope = ActivityLawfulBasis.objects.get(activity=marketing, basis__code="A6-1-a")
    scope.purposes.add(second)  # a scope naming another activity's purpose
    return [activity, marketing, processor, joint, bare]


def _read(activities):
    ids = [a.pk for a in activities]
    found = {a.pk: a for a in queries.activity_queryset().filter(pk__in=ids)}
    return queries.attach_register(found[pk] for pk in ids)


def test_the_compiled_representation_is_drfs(varied):
    for activity in _read(varied):
        compiled = ActivitySerializer(activity).data
        drf = serializers.Serializer.to_representation(ActivitySerializer(), activity)
        # Same keys in the same order, same values: the same JSON body.
        assert json.dumps(compiled) == json.dumps(drf, sort_keys=False)


def _values(obj, names=None):
    names = names or [f.attname for f in obj._meta.concrete_fields]
    return {name: getattr(obj, name) for name in names}


def test_the_read_loads_what_the_orm_prefetches(varied):
    prefetched = {a.pk: a for a in ProcessingActivity.objects.with_register()}
    for activity in _read(varied):
        orm = prefetched[activity.pk]
        assert _values(activity) == _values(orm)
        assert _values(activity.organisation) == _values(orm.organisation)
        assert activity.owner == orm.owner
        for name in queries.ACTIVITY_M2M:
            read, expected = list(getattr(activity, name).all()), list(getattr(orm, name).all())
            assert [o.pk for o in read] == [o.pk for o in expected], name
            fields = queries._FIELDS[type(expected[0])] if expected else ()
            assert [_values(o, fields) for o in read] == [_values(o, fields) for o in expected]
        for name in ("purposes", *queries._PARTS):
            read, expected = list(getattr(activity, name).all()), list(getattr(orm, name).all())
            assert [_values(o) for o in read] == [_values(o) for o in expected], name
        for read, expected in zip(activity.lawful_bases.all(), orm.lawful_bases.all(),
                                  strict=True):
            assert _values(read.basis) == _values(expected.basis)
            assert ([p.pk for p in read.purposes.all()]
                    == [p.pk for p in expected.purposes.all().order_by("position", "id")])
            assert [c.pk for c in read.data_categories.all()] == [
                c.pk for c in expected.data_categories.all()]
        for read, expected in zip(activity.recipients.all(), orm.recipients.all(), strict=True):
            assert read.third_party == expected.third_party and read.category == expected.category
            assert read.category_name == expected.category_name
            if expected.third_party:
                assert _values(read.third_party) == _values(expected.third_party)
                assert read.third_party.country == expected.third_party.country
        for read, expected in zip(activity.transfers.all(), orm.transfers.all(), strict=True):
            for key in ("country", "mechanism", "third_party"):
                assert getattr(read, key) == getattr(expected, key)


def test_findings_of_the_read_are_those_of_the_orm(varied):
    prefetched = {a.pk: a for a in ProcessingActivity.objects.with_register()}
    seen = set()
    for activity in _read(varied):
        findings = activity_findings(activity)
        assert findings == activity_findings(prefetched[activity.pk])
        seen.update(f.code for f in findings)
    assert {"A7-CONSENT-RECORD", "A35-DPIA", "REVIEW-OVERDUE", "A6-3-CITATION"} <= seen


def test_a_read_page_is_shown_without_another_query(varied, django_assert_num_queries):
    activities = _read(varied)
    with django_assert_num_queries(0):
        for activity in activities:
            ActivitySerializer(activity).data  # noqa: B018


def test_the_read_costs_five_queries_whatever_the_number_of_activities(
        varied, django_assert_num_queries):
    queries.attach_register(queries.activity_queryset()[:1])
    activities = list(queries.activity_queryset())
    with django_assert_num_queries(5):
        queries.attach_register(activities)
    assert queries.attach_register([]) == []


def test_the_list_pages_through_the_register_in_order(org, dpo_client, varied):
    for n in range(7):
        ActivityFactory(organisation=org, reference=f"PA-9{n:02d}")
    everything = [a["reference"] for a in dpo_client.get(f"{URL}?page_size=100").data["results"]]
    paged = []
    for page in (1, 2, 3):
        paged += [a["reference"] for a in dpo_client.get(f"{URL}?page_size=4&page={page}")
                  .data["results"]]
    assert paged == everything == sorted(everything)
    detail = dpo_client.get(f"{URL}{varied[3].pk}/").data
    assert detail == next(a for a in dpo_client.get(f"{URL}?page_size=100").data["results"]
                          if a["id"] == varied[3].pk)


def test_retention_descriptions_follow_the_rule(activity):
    rule = RetentionRule.objects.get(activity=activity)
    assert _description(rule) == rule.describe() == "7 years after end of the customer relationship"
    rule.legal_source = "Limitation Act 1980"
    assert _description(rule) == rule.describe()
    assert _description(rule).endswith("(Limitation Act 1980)")


def test_instances_from_json_are_saved_objects(org):
    party = ThirdPartyFactory(organisation=org, dpf_certified=True, country=country("US"))
    # SQLite answers booleans inside JSON as 0 / 1.
    obj = queries.instance_from_json(type(party), {"id": party.pk, "name": party.name,
                                                   "dpf_certified": 1})
    assert obj.pk == party.pk and obj.dpf_certified is True and not obj._state.adding
    assert obj.kind == party._meta.get_field("kind").get_default()
