import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import member, token_client
from tests.factories import (
    RecipientFactory,
    ThirdPartyFactory,
    TransferFactory,
    complete_activity,
    country,
    mechanism,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/activities/"


def test_list_nests_the_whole_record(dpo_client, activity, marketing):
    response = dpo_client.get(URL)
    assert response.status_code == 200
    assert response.data["count"] == 2
    by_ref = {a["reference"]: a for a in response.data["results"]}
    record = by_ref["PA-200"]
    assert record["organisation_name"] == "Akixi Limited"
    assert {p["description"] for p in record["purposes"]} >= {"Send newsletters"}
    health = next(c for c in record["data_categories"] if c["code"] == "health")
    assert health["special_category"] is True and health["criminal_offence"] is False
    assert [s["code"] for s in record["data_subjects"]] == ["customers"]
    consent = next(b for b in record["lawful_bases"] if b["basis"] == "A6-1-a")
    assert consent["article"] == "Art 6(1)(a)"
    assert consent["dpv_iri"] == "https://w3id.org/dpv/legal/eu/gdpr#A6-1-a"
    assert consent["data_categories"] == ["contact"]
    assert consent["purposes"] == ["Send newsletters"]
    assert record["special_category_conditions"][0]["code"] == "A9-2-a"
    assert record["transfers"][0]["country"] == "US"
    assert record["transfers"][0]["mechanism"]["code"] == "EU-US-DPF"
    assert record["retention_rules"][0]["description"].startswith("7 years after")
    assert record["recipients"][0]["third_party"]["kind"] == "processor"
    assert len(record["security_measures"]) == 2


def test_findings_are_those_of_the_engine(dpo_client, activity, marketing):
    by_ref = {a["reference"]: a for a in dpo_client.get(URL).data["results"]}
    assert by_ref["PA-100"]["findings"] == []
    codes = {f["code"] for f in by_ref["PA-200"]["findings"]}
    # Special category data is one DPIA screening criterion: screening, not a DPIA yet.
    assert "A7-CONSENT-RECORD" in codes and "A35-SCREENING" in codes and "A35-DPIA" not in codes
    finding = next(f for f in by_ref["PA-200"]["findings"] if f["code"] == "A7-CONSENT-RECORD")
    assert set(finding) == {"code", "severity", "message", "field", "article"}
    assert finding["field"] == "lawful_bases" and finding["article"] == "Art 7(1)"


def test_detail_carries_the_version_as_etag(dpo_client, activity):
    response = dpo_client.get(f"{URL}{activity.pk}/")
    assert response.status_code == 200
    assert response["ETag"] == f'"v{activity.version}"'
    assert response.data["reference"] == "PA-100"


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_list_query_count_does_not_grow_with_page_size(org, dpo_client, django_assert_max_num_queries):
    for n in range(12):
        act = complete_activity(organisation=org, reference=f"PA-{n:03d}")
        TransferFactory(activity=act)
        RecipientFactory(activity=act)
        act.joint_controllers.set([ThirdPartyFactory(organisation=org)])
    # Warm up: SQLite probes its JSON support once per connection.
    dpo_client.get(URL)
    counts = {}
    for size in (1, 10, 100):
        counts[size], response = _queries(dpo_client, f"{URL}?page_size={size}")
        assert len(response.data["results"]) == min(size, 12)
    assert counts[1] == counts[10] == counts[100], counts
    # Token, count, the page's rows, then the register's reader: the links, one query per
    # kind of part, the third parties named and the reference terms.
    assert counts[100] == 11
    with django_assert_max_num_queries(12):
        dpo_client.get(f"{URL}?page_size=100")


def test_page_size_is_capped_and_bad_paging_is_refused_not_replaced(org, dpo_client):
    for n in range(3):
        complete_activity(organisation=org, reference=f"PA-{n:03d}")
    response = dpo_client.get(f"{URL}?page_size=100")
    assert response.status_code == 200 and len(response.data["results"]) == 3
    response = dpo_client.get(f"{URL}?page_size=2")
    assert len(response.data["results"]) == 2 and response.data["next"]
    for query, field, message in (
            ("page_size=1000", "page_size", "At most 100 per page, not 1000."),
            ("page_size=null", "page_size", "'null' is not a whole number from 1."),
            ("page=0", "page", "'0' is not a whole number from 1."),
            ("page=1&page=2", "page", "Give page once, not 2 times.")):
        response = dpo_client.get(f"{URL}?{query}")
        assert response.status_code == 400, query
        assert response.data["errors"] == [{"field": field, "code": "invalid", "message": message}]
    assert dpo_client.get(f"{URL}?page=9").status_code == 404
    assert dpo_client.get("/api/v1/no-such-thing/").json()["errors"][0]["code"] == "not_found"


def test_a_malformed_if_match_is_a_400_not_a_stale_write(org, dpo_client):
    activity = complete_activity(organisation=org, reference="PA-900")
    for header in ("", "v1", '"v1', "W/v1"):
        response = dpo_client.patch(f"{URL}{activity.pk}/", {"name": "x"}, format="json",
                                    HTTP_IF_MATCH=header)
        assert response.status_code == 400, header
        assert response.data["errors"][0]["field"] == "If-Match"
    activity.refresh_from_db()
    assert activity.name != "x"


@pytest.fixture
def register(org, other_org):
    """Three activities of ``org`` that differ in each filtered field, one elsewhere."""
    from processing.models import ActivityLawfulBasis, LawfulBasis, PersonalDataCategory

    crm = ThirdPartyFactory(organisation=org, name="Salesforce")
    a = complete_activity(organisation=org, reference="PA-001", name="Sales pipeline",
                          description="Leads from the website")
    RecipientFactory(activity=a, third_party=crm)
    # A UK exporter's US transfer under the UK's own instrument: nothing to report.
    TransferFactory(activity=a, country=country("US"), mechanism=mechanism("UK-US-DATA-BRIDGE"))
    b = complete_activity(organisation=org, reference="PA-002", name="Call recording",
                          role="processor", status="active")
    ActivityLawfulBasis.objects.create(activity=b, basis=LawfulBasis.objects.get(code="A6-1-f"))
    b.data_categories.add(PersonalDataCategory.objects.get(code="call-records"))
    from processing.models import DataSubjectCategory

    b.data_subjects.set([DataSubjectCategory.objects.get(code="callers")])
    c = complete_activity(organisation=org, reference="PA-003", name="Payroll")
    c.purposes.update(description="Pay the staff every month")
    complete_activity(organisation=other_org, reference="PA-001", name="Sales elsewhere")
    return {"a": a, "b": b, "c": c, "crm": crm}


def _refs(client, query):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200, response.data
    return sorted(a["reference"] for a in response.data["results"])


@pytest.mark.parametrize(("query", "expected"), [
    ("lawful_basis=A6-1-f", ["PA-002"]),
    ("lawful_basis=A6-1-b", ["PA-001", "PA-002", "PA-003"]),
    ("data_category=call-records", ["PA-002"]),
    ("subject_category=callers", ["PA-002"]),
    ("data_subject=customers", ["PA-001", "PA-003"]),
    ("transfer_country=US", ["PA-001"]),
    ("status=active", ["PA-002"]),
    ("role=processor", ["PA-002"]),
    ("search=pipeline", ["PA-001"]),
    ("search=website", ["PA-001"]),
    ("search=pa-003", ["PA-003"]),
    ("search=staff", ["PA-003"]),
    ("has_findings=true", ["PA-002"]),
    ("has_findings=false", ["PA-001", "PA-003"]),
    ("status=draft&search=pay", ["PA-003"]),
])
def test_filters(register, dpo_client, query, expected):
    assert _refs(dpo_client, query) == expected


def test_filter_by_organisation_and_recipient(register, org, dpo_client):
    assert _refs(dpo_client, f"organisation={org.pk}") == ["PA-001", "PA-002", "PA-003"]
    assert _refs(dpo_client, f"recipient={register['crm'].pk}") == ["PA-001"]


def test_organisation_filter_of_another_register_is_refused(register, other_org, dpo_client):
    response = dpo_client.get(f"{URL}?organisation={other_org.pk}")
    assert response.status_code == 404
    assert response.data["errors"][0]["field"] == "organisation"


@pytest.mark.parametrize(("query", "field"), [
    ("lawful_basis=A6 1 z", "lawful_basis"),
    ("data_category=no/pe", "data_category"),
    ("transfer_country=X%20X", "transfer_country"),
    ("status=sleeping", "status"),
    ("has_findings=perhaps", "has_findings"),
    ("recipient=abc", "recipient"),
    ("search=a%00b", "search"),
])
def test_bad_filter_values_answer_400_naming_the_parameter(register, dpo_client, query, field):
    response = dpo_client.get(f"{URL}?{query}")
    assert response.status_code == 400, response.data
    assert response.data["errors"][0]["field"] == field


@pytest.mark.parametrize(("query", "field", "listed"), [
    ("lawful_basis=A6-1-z", "lawful_basis", "/api/v1/lawful-bases/"),
    ("data_category=nope", "data_category", "/api/v1/data-categories/"),
    ("transfer_country=XX", "transfer_country", "/api/v1/countries/"),
])
def test_a_code_of_no_term_answers_404_and_says_where_the_codes_are(register, dpo_client, query,
                                                                    field, listed):
    response = dpo_client.get(f"{URL}?{query}")
    assert response.status_code == 404, response.data
    [error] = response.data["errors"]
    assert error["field"] == field and listed in error["message"]


def test_superuser_sees_every_register(register):
    admin = member(register["a"].organisation, "auditor", "root")
    admin.is_superuser = True
    admin.save()
    assert len(_refs(token_client(admin), "page_size=100")) == 4


def test_nested_reference_terms_carry_their_description(dpo_client, activity):
    from processing.models import DataSubjectCategory, SecurityMeasure

    subject = DataSubjectCategory.objects.exclude(description="").first()
    measure = SecurityMeasure.objects.exclude(description="").first()
    activity.data_subjects.add(subject)
    activity.security_measures.add(measure)
    for body in (dpo_client.get(f"/api/v1/activities/{activity.pk}/").json(),
                 next(a for a in dpo_client.get("/api/v1/activities/").json()["results"]
                      if a["id"] == activity.pk)):
        subjects = {s["code"]: s for s in body["data_subjects"]}
        measures = {m["code"]: m for m in body["security_measures"]}
        assert subjects[subject.code]["description"] == subject.description
        assert measures[measure.code]["description"] == measure.description


@pytest.mark.parametrize("query", ["status=", "organisation=", "as_of="])
def test_a_parameter_sent_empty_is_refused_not_read_as_left_out(register, dpo_client, query):
    url = (f"/api/v1/activities/{register['a'].pk}/lawful-basis/?{query}" if "as_of" in query
           else f"{URL}?{query}")
    response = dpo_client.get(url)
    assert response.status_code == 400, response.data
    assert response.data["errors"][0]["field"] == query.rstrip("=")
