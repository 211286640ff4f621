import datetime
import json

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from processing import services
from processing.models import LawfulBasis, PersonalDataCategory
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(activity, as_of=None):
    base = f"/api/v1/activities/{activity.pk}/lawful-basis/"
    return f"{base}?as_of={as_of}" if as_of else base


def test_current_lawful_bases_with_scope_and_conditions(dpo_client, marketing):
    use = marketing.lawful_bases.get(basis__code="A6-1-a")
    use.legitimate_interest = ""
    use.citation = "PECR reg 22"
    use.save()
    response = dpo_client.get(url(marketing))
    assert response.status_code == 200
    body = response.data
    assert body["as_of"] is None
    assert body["activity"]["reference"] == "PA-200"
    assert response["ETag"] == f'"v{marketing.version}"'
    consent = next(b for b in body["lawful_bases"] if b["basis"] == "A6-1-a")
    assert consent["article"] == "Art 6(1)(a)" and consent["label"] == "Consent"
    assert consent["dpv_iri"].endswith("#A6-1-a")
    assert [c["code"] for c in consent["data_categories"]] == ["contact"]
    assert [p["description"] for p in consent["purposes"]] == ["Send newsletters"]
    assert consent["citation"] == "PECR reg 22"
    contract = next(b for b in body["lawful_bases"] if b["basis"] == "A6-1-b")
    assert contract["data_categories"] == [] and contract["purposes"] == []
    assert [c["code"] for c in body["special_category_conditions"]] == ["A9-2-a"]
    assert body["schedule1_conditions"] == []


def test_at_most_three_queries(dpo_client, marketing, django_assert_max_num_queries):
    dpo_client.get(url(marketing))  # warm up: SQLite probes its JSON support once per connection
    with django_assert_max_num_queries(3):
        response = dpo_client.get(url(marketing))
    assert response.status_code == 200 and len(response.data["lawful_bases"]) == 2


def test_unknown_activity_and_bad_dates(dpo_client, marketing):
    assert dpo_client.get("/api/v1/activities/999999/lawful-basis/").status_code == 404
    for bad in ("yesterday", "2025-13-01", "2025-02-30", "2025-1-1", "%00"):
        response = dpo_client.get(url(marketing, bad))
        assert response.status_code == 400, bad
        assert response.data["errors"][0]["field"] == "as_of"


def test_as_of_answers_as_the_register_stood(org, dpo_client, dpo_user):
    with time_machine.travel(datetime.datetime(2024, 3, 1, 10, tzinfo=datetime.UTC), tick=False):
        activity = services.activity_create(
            organisation=org, user=dpo_user, name="Recruitment",
            data_categories=list(PersonalDataCategory.objects.filter(
                code__in=["identity", "criminal-offences"])),
        )
        purpose = services.purpose_add(activity=activity, description="Assess applicants")
        services.lawful_basis_add(activity=activity, basis=LawfulBasis.objects.get(code="A6-1-b"),
                                  purposes=[purpose])
    with time_machine.travel(datetime.datetime(2024, 6, 1, 10, tzinfo=datetime.UTC), tick=False):
        legit = services.lawful_basis_add(
            activity=activity, basis=LawfulBasis.objects.get(code="A6-1-f"),
            legitimate_interest="Checking references", lia_link="https://lia.example.com/1",
            data_categories=list(PersonalDataCategory.objects.filter(code="criminal-offences")),
        )
        contract = activity.lawful_bases.get(basis__code="A6-1-b")
        services.part_save(model=type(contract), instance=contract, citation="", notes="changed",
                           purposes=[])
    with time_machine.travel(datetime.datetime(2024, 9, 1, 10, tzinfo=datetime.UTC), tick=False):
        services.part_delete(instance=legit)

    before = dpo_client.get(url(activity, "2024-02-28"))
    assert before.status_code == 404  # the activity did not exist yet

    march = dpo_client.get(url(activity, "2024-03-01")).data
    assert march["as_of"] == "2024-03-01"
    assert [b["basis"] for b in march["lawful_bases"]] == ["A6-1-b"]
    assert [p["description"] for p in march["lawful_bases"][0]["purposes"]] == ["Assess applicants"]
    assert march["lawful_bases"][0]["notes"] == ""

    june = dpo_client.get(url(activity, "2024-06-01")).data
    assert [b["basis"] for b in june["lawful_bases"]] == ["A6-1-b", "A6-1-f"]
    assert june["lawful_bases"][0]["purposes"] == [] and june["lawful_bases"][0]["notes"] == "changed"
    li = june["lawful_bases"][1]
    assert li["legitimate_interest"] == "Checking references"
    assert [c["code"] for c in li["data_categories"]] == ["criminal-offences"]

    september = dpo_client.get(url(activity, "2024-09-01")).data
    assert [b["basis"] for b in september["lawful_bases"]] == ["A6-1-b"]
    today = dpo_client.get(url(activity)).data
    assert [b["basis"] for b in today["lawful_bases"]] == ["A6-1-b"]


def test_as_of_conditions_follow_history(org, dpo_client):
    from processing.models import SpecialCategoryCondition

    with time_machine.travel(datetime.datetime(2024, 1, 10, 12, tzinfo=datetime.UTC), tick=False):
        activity = services.activity_create(
            organisation=org, name="Occupational health",
            data_categories=list(PersonalDataCategory.objects.filter(code="health")),
            special_category_conditions=[SpecialCategoryCondition.objects.get(code="A9-2-b")],
        )
    with time_machine.travel(datetime.datetime(2024, 2, 10, 12, tzinfo=datetime.UTC), tick=False):
        services.activity_update(
            activity=activity,
            special_category_conditions=[SpecialCategoryCondition.objects.get(code="A9-2-h")],
        )
    january = dpo_client.get(url(activity, "2024-01-31")).data
    february = dpo_client.get(url(activity, "2024-02-10")).data
    assert [c["code"] for c in january["special_category_conditions"]] == ["A9-2-b"]
    assert [c["code"] for c in february["special_category_conditions"]] == ["A9-2-h"]
    assert timezone.localdate() > datetime.date(2024, 2, 10)


@pytest.fixture
def rich(org, dpo_user):
    """Every part of the answer filled: two scoped bases, Art 9 and Sch. 1 conditions."""
    from processing.models import Schedule1Condition, SpecialCategoryCondition

    activity = services.activity_create(
        organisation=org, user=dpo_user, name="Occupational health",
        data_categories=list(PersonalDataCategory.objects.filter(
            code__in=["health", "identity", "contact"])),
        special_category_conditions=list(SpecialCategoryCondition.objects.filter(
            code__in=["A9-2-h", "A9-2-b"])),
        schedule1_conditions=list(Schedule1Condition.objects.order_by("-id")[:3]),
    )
    first = services.purpose_add(activity=activity, description="Fitness for work")
    second = services.purpose_add(activity=activity, description="Sick pay")
    services.lawful_basis_add(
        activity=activity, basis=LawfulBasis.objects.get(code="A6-1-c"), purposes=[second, first],
        data_categories=list(PersonalDataCategory.objects.filter(code__in=["health", "identity"])),
        citation="Employment Rights Act 1996",
    )
    services.lawful_basis_add(activity=activity, basis=LawfulBasis.objects.get(code="A6-1-b"),
                              notes="Employment contract")
    return activity


def test_today_matches_the_schema_serializer_and_the_history(rich, dpo_client):
    """Today's answer (plain SQL) is what the schema's serializer renders, and what the
    register's history gives for today."""
    from processing.api.serializers import ActivityLawfulBasisReportSerializer

    today = dpo_client.get(url(rich))
    assert today.status_code == 200
    body = today.json()
    assert body == ActivityLawfulBasisReportSerializer(today.data).data
    assert [b["basis"] for b in body["lawful_bases"]] == ["A6-1-b", "A6-1-c"]
    scoped = body["lawful_bases"][1]
    assert [c["code"] for c in scoped["data_categories"]] == ["health", "identity"]
    assert [p["description"] for p in scoped["purposes"]] == ["Fitness for work", "Sick pay"]
    assert [c["code"] for c in body["special_category_conditions"]] == ["A9-2-b", "A9-2-h"]
    chosen = sorted(rich.schedule1_conditions.all(), key=lambda c: (c.part, c.id))
    assert [c["code"] for c in body["schedule1_conditions"]] == [c.code for c in chosen]
    assert [c["part"] for c in body["schedule1_conditions"]] == [c.part for c in chosen]
    assert all(isinstance(c["special_category"], bool) for c in scoped["data_categories"])

    as_of = dpo_client.get(url(rich, timezone.localdate().isoformat())).json()
    assert as_of.pop("as_of") == timezone.localdate().isoformat()
    body.pop("as_of")
    # part edits raise the live version only; history keeps the activity record's own
    for answer in (as_of, body):
        answer["activity"].pop("version")
    assert json.dumps(as_of) == json.dumps(body)  # same content, same key order


def test_other_organisations_and_anonymous(rich, other_org):
    from .conftest import member, token_client

    outsider = token_client(member(other_org, "dpo", "outsider"))
    assert outsider.get(url(rich)).status_code == 404
    assert outsider.get(url(rich, "2030-01-01")).status_code == 404
    from rest_framework.test import APIClient

    assert APIClient().get(url(rich)).status_code == 401


def test_token_lookup_queries(rich, dpo_client, django_assert_max_num_queries):
    """Token check, the activity with its bases, the terms."""
    with django_assert_max_num_queries(3):
        response = dpo_client.get(url(rich))
    assert response.status_code == 200 and len(response.data["lawful_bases"]) == 2


def test_postgresql_plans_the_lookup_once_per_connection(rich, dpo_client):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    for _ in range(3):
        assert dpo_client.get(url(rich)).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements")
        prepared = dict(cursor.fetchall())
    lookup = [runs for statement, runs in prepared.items() if statement.startswith("WITH visible")]
    token = [runs for statement, runs in prepared.items() if "authtoken_token" in statement]
    assert lookup == [3] and token == [3]


def test_the_answer_with_a_token_is_the_answer_with_a_session(rich, dpo_user):
    from .conftest import token_client

    session = APIClient()
    session.force_login(dpo_user)
    by_token = token_client(dpo_user).get(url(rich))
    by_session = session.get(url(rich))
    assert by_token.status_code == by_session.status_code == 200
    assert by_token.json() == by_session.json()


def test_a_token_of_another_organisation_gets_404_and_no_answer(rich, db):
    from .conftest import token_client

    stranger = UserFactory(username="stranger")
    MembershipFactory(user=stranger, organisation=OrganisationFactory(name="Other"), role="dpo")
    response = token_client(stranger).get(url(rich))
    assert response.status_code == 404
    assert "lawful_bases" not in response.json()


def test_todays_sql_answers_what_the_read_model_holds(rich, marketing, dpo_user):
    """The lookup's own SQL is a fast path: it must answer what the register's read model
    reads, for every activity (with scopes, conditions, no basis at all)."""
    from processing.api.history import current_lawful_basis, lawful_basis_answer
    from processing.models import ProcessingActivity
    from processing.register import read_activity

    for activity in ProcessingActivity.objects.all():
        assert current_lawful_basis(dpo_user, activity.pk) == lawful_basis_answer(
            read_activity(activity.pk), None), activity.reference
