"""The register's read model gives what the ORM gives: every record read by
``processing.register`` holds the values of the rows an ORM read with ``prefetch_related``
finds, current and as of a moment; the API shows those records."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from entities.models import RecipientCategory
from processing import services
from processing.findings import activity_findings
from processing.models import (
    ActivityLawfulBasis,
    ActivityRecipient,
    ProcessingActivity,
    RetentionRule,
    Schedule1Condition,
    SpecialCategoryCondition,
)
from processing.register import read_activities, read_activity, read_register
from processing.register.reader import ACTIVITY_LINKS
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
    data_category,
    person_of,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/activities/"


@pytest.fixture
def varied(org, activity, marketing):
    """Activities that take every branch of the read: empty lists and empty keys, scopes,
    conditions, processors and joint controllers, recipients named by category only,
    transfers to an international organisation, rules by criteria."""
    owner = person_of(member(org, "contributor", "owner"), org)
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
                            next_review_on=datetime.date(2020, 1, 1), large_scale=True)
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


def _same(record, obj, skip=()) -> None:
    """Every column of ``obj`` holds the record's value: plain columns by name, a foreign
    key by the id of the record it points to."""
    for field in obj._meta.concrete_fields:
        if field.name in skip or field.name == "activity":
            continue
        value = getattr(obj, field.attname)
        if field.is_relation:
            if hasattr(record, field.attname):  # the record keeps the id, and a name
                assert getattr(record, field.attname) == value, field.name
                continue
            target = getattr(record, field.name)
            assert (target.id if target is not None else None) == value, field.name
        else:
            assert getattr(record, field.name) == value, field.name


def _ids(items) -> list[int]:
    return [item.pk for item in items]


def assert_records_match_the_orm(records, queryset=None) -> None:
    """The oracle: the records hold what the ORM with ``prefetch_related`` reads."""
    queryset = queryset or ProcessingActivity.objects.all()
    prefetched = {a.pk: a for a in queryset.with_register()}
    assert sorted(r.id for r in records) == sorted(prefetched)
    for record in records:
        orm = prefetched[record.id]
        _same(record, orm)
        assert record.organisation == orm.organisation.name
        assert record.jurisdiction == orm.organisation.jurisdiction
        assert record.owner == (orm.owner.name if orm.owner else "")
        assert record.owner_email == (orm.owner.email if orm.owner else "")
        for name in ACTIVITY_LINKS:
            expected = getattr(orm, name).all()
            assert sorted(t.id for t in getattr(record, name)) == sorted(_ids(expected)), name
            for term in getattr(record, name):
                _same(term, next(o for o in expected if o.pk == term.id))
        assert [(p.id, p.description, p.position) for p in record.purposes] == [
            (p.pk, p.description, p.position)
            for p in sorted(orm.purposes.all(), key=lambda p: (p.position, p.pk))]
        assert [p.number for p in record.purposes] == list(range(1, len(record.purposes) + 1))
        uses = sorted(orm.lawful_bases.all(), key=lambda u: u.basis.code)
        assert [u.id for u in record.lawful_bases] == _ids(uses)
        for use, expected in zip(record.lawful_bases, uses, strict=True):
            _same(use, expected)
            _same(use.basis, expected.basis)
            assert sorted(c.id for c in use.data_categories) == sorted(
                _ids(expected.data_categories.all()))
            own = set(_ids(orm.purposes.all()))
            assert [p.id for p in use.purposes] == [
                p.pk for p in sorted(expected.purposes.all(), key=lambda p: (p.position, p.pk))
                if p.pk in own]
        for name in ("recipients", "transfers", "retention_rules"):
            expected = sorted(getattr(orm, name).all(), key=lambda o: o.pk)
            assert [o.id for o in getattr(record, name)] == _ids(expected), name
            for part, obj in zip(getattr(record, name), expected, strict=True):
                _same(part, obj)
                if getattr(obj, "third_party", None) is not None:
                    _same(part.third_party, obj.third_party)
        for recipient, obj in zip(record.recipients, sorted(orm.recipients.all(), key=lambda o: o.pk),
                                  strict=True):
            assert recipient.category_name == obj.category_name
            assert sorted(c.id for c in recipient.data_categories) == sorted(
                _ids(obj.data_categories.all()))
        for rule, obj in zip(record.retention_rules, sorted(orm.retention_rules.all(),
                                                            key=lambda o: o.pk), strict=True):
            assert rule.describe() == obj.describe()


def test_the_read_model_holds_what_the_orm_reads(varied):
    assert_records_match_the_orm(read_activities([a.pk for a in varied]))
    assert_records_match_the_orm(read_register().activities)


def test_the_read_model_holds_a_generated_register(django_assert_max_num_queries):
    import io

    from django.core.management import call_command

    call_command("generate_register", activities=30, organisations=3, third_parties=12,
                 stdout=io.StringIO())
    with django_assert_max_num_queries(12):
        register = read_register()
    assert len(register.activities) == 30
    assert_records_match_the_orm(register.activities)


def test_a_scope_names_purposes_of_its_own_activity_only(varied):
    marketing = read_activity(varied[1].pk)
    scoped = next(u for u in marketing.lawful_bases if u.basis.code == "A6-1-a")
    assert all(p in marketing.purposes for p in scoped.purposes)
    assert read_activities([varied[1].pk, varied[2].pk])[0] == marketing


def test_as_of_a_moment_the_register_reads_as_it_then_stood(varied):
    before = read_activities([a.pk for a in varied])
    moment = timezone.now()
    joint = varied[3]
    services.activity_update(activity=joint, name="Renamed", data_categories=[data_category("health")])
    services.part_delete(instance=joint.lawful_bases.get(basis__code="A6-1-c"))
    services.purpose_add(activity=varied[4], description="Added later")
    after = read_activities([a.pk for a in varied])
    assert after != before
    assert read_activities([a.pk for a in varied], as_of=moment) == before
    assert_records_match_the_orm(after)


def test_a_day_is_read_to_its_end(varied):
    today = timezone.localdate()
    assert read_activities([a.pk for a in varied], as_of=today) == read_activities(
        [a.pk for a in varied])
    assert read_activities([a.pk for a in varied],
                           as_of=today - datetime.timedelta(days=1)) == []


def test_findings_read_the_records(varied):
    seen = set()
    for record in read_activities([a.pk for a in varied]):
        findings = activity_findings(record)
        assert findings == activity_findings(ProcessingActivity.objects.get(pk=record.id))
        seen.update(f.code for f in findings)
    assert {"A7-CONSENT-RECORD", "A35-DPIA", "REVIEW-OVERDUE", "A6-3-CITATION"} <= seen


def test_the_read_costs_the_same_queries_whatever_the_number_of_activities(varied):
    counts = []
    for ids in ([varied[0].pk], [a.pk for a in varied]):
        with CaptureQueriesContext(connection) as captured:
            read_activities(ids)
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1] == 9, counts
    assert read_activities([]) == []


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


def test_retention_descriptions_are_written_once(activity):
    rule = RetentionRule.objects.get(activity=activity)
    record = read_activity(activity.pk).retention_rules[0]
    assert record.describe() == rule.describe() == "7 years after end of the customer relationship"
    rule.legal_source = "Limitation Act 1980"
    rule.save()
    assert read_activity(activity.pk).retention_rules[0].describe() == rule.describe()
    assert rule.describe().endswith("(Limitation Act 1980)")
    rule.period = "not a period"  # recorded before periods were validated: shown as it is
    assert rule.describe().startswith("not a period after")


def test_the_written_out_answer_is_the_serializers(varied, django_assert_num_queries):
    """The views answer with ``represent_activities``: the same JSON, key for key and in
    order, as ``ActivitySerializer`` (which the schema is built from)."""
    import io
    import json

    from django.core.management import call_command

    from processing.api.representation import represent_activities
    from processing.api.serializers import ActivitySerializer

    call_command("generate_register", activities=12, organisations=2, third_parties=6,
                 stdout=io.StringIO())
    records = read_register().activities
    assert len(records) == 12 + len(varied)
    with django_assert_num_queries(0):
        written = represent_activities(records)
    assert json.dumps(written) == json.dumps(ActivitySerializer(records, many=True).data)
