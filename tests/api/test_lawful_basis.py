import datetime

import pytest
import time_machine
from django.utils import timezone

from processing import services
from processing.models import LawfulBasis, PersonalDataCategory

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
