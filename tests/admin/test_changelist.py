"""The change list: key columns, filters, and a constant number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from processing.models import (
    ActivityLawfulBasis,
    InternationalTransfer,
    ProcessingActivity,
    Purpose,
    RetentionRule,
    SecurityMeasure,
)
from tests.factories import (
    ActivityFactory,
    LawfulBasisUseFactory,
    TransferFactory,
    basis,
    complete_activity,
    country,
    data_category,
    mechanism,
    subject_category,
)

CHANGELIST = reverse("admin:processing_processingactivity_changelist")
#: Whatever the register holds, one page of the change list costs at most this many queries.
MAX_QUERIES = 30


def bulk_register(organisation, count, start=0):
    """``count`` activities with purposes, bases, data, a transfer and retention, fast."""
    activities = ProcessingActivity.objects.bulk_create([
        ProcessingActivity(organisation=organisation, reference=f"PA-{start + i:05d}",
                           name=f"Activity {start + i}")
        for i in range(count)
    ])
    contract, consent = basis("A6-1-b"), basis("A6-1-a")
    identity, health = data_category("identity"), data_category("health")
    customers = subject_category("customers")
    us, scc = country("US"), mechanism("EU-SCC-2021")
    measure = SecurityMeasure.objects.first()
    Purpose.objects.bulk_create([Purpose(activity=a, description="Support") for a in activities])
    ActivityLawfulBasis.objects.bulk_create(
        [ActivityLawfulBasis(activity=a, basis=contract) for a in activities]
        + [ActivityLawfulBasis(activity=a, basis=consent) for a in activities[::2]]
    )
    RetentionRule.objects.bulk_create([RetentionRule(activity=a, period="P7Y") for a in activities])
    InternationalTransfer.objects.bulk_create(
        [InternationalTransfer(activity=a, country=us, mechanism=scc) for a in activities[::3]]
    )
    through = ProcessingActivity.data_categories.through
    through.objects.bulk_create(
        [through(processingactivity=a, personaldatacategory=identity) for a in activities]
        + [through(processingactivity=a, personaldatacategory=health) for a in activities[::5]]
    )
    subjects = ProcessingActivity.data_subjects.through
    subjects.objects.bulk_create([subjects(processingactivity=a, datasubjectcategory=customers)
                                  for a in activities])
    measures = ProcessingActivity.security_measures.through
    measures.objects.bulk_create([measures(processingactivity=a, securitymeasure=measure)
                                  for a in activities])
    return activities


def count_queries(client, url=CHANGELIST):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


@pytest.mark.django_db
def test_change_list_of_1000_activities_costs_a_constant_number_of_queries(
        client, org_a, dpo_a, django_assert_max_num_queries):
    bulk_register(org_a, 20)
    client.force_login(dpo_a)
    few, _ = count_queries(client)
    bulk_register(org_a, 980, start=20)
    assert ProcessingActivity.objects.count() == 1000
    many, response = count_queries(client)
    assert many == few
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == 100
    assert response.context["cl"].result_count == 1000
    content = response.content.decode()
    # Key columns: bases and a findings count coloured by its worst severity.
    assert "Art 6(1)(b)" in content
    assert "ropa-findings ropa-findings-error" in content  # no recipient recorded


@pytest.mark.django_db
def test_filtered_change_list_costs_a_constant_number_of_queries(client, org_a, dpo_a):
    bulk_register(org_a, 10)
    client.force_login(dpo_a)
    url = f"{CHANGELIST}?basis=A6-1-a&special=yes&outside_eea=yes&review=none"
    few, _ = count_queries(client, url)
    bulk_register(org_a, 290, start=10)
    many, response = count_queries(client, url)
    assert many == few
    # Every 30th of each batch has consent, health data and a US transfer: 1 + 10.
    assert response.context["cl"].result_count == 11


@pytest.mark.django_db
def test_filters_answer_the_dpos_questions(client, org_a, org_b, dpo_a):
    client.force_login(dpo_a)
    today = timezone.localdate()
    ActivityFactory(organisation=org_a, reference="OVERDUE",
                              next_review_on=today - datetime.timedelta(days=1))
    ActivityFactory(organisation=org_a, reference="SOON",
                           next_review_on=today + datetime.timedelta(days=10))
    consent = ActivityFactory(organisation=org_a, reference="CONSENT", status="active")
    LawfulBasisUseFactory(activity=consent, basis=basis("A6-1-a"))
    special = ActivityFactory(organisation=org_a, reference="HEALTH")
    special.data_categories.set([data_category("health")])
    transfer = ActivityFactory(organisation=org_a, reference="US-TRANSFER")
    TransferFactory(activity=transfer)
    ActivityFactory(organisation=org_b, reference="OTHER-ORG")

    def refs(query):
        response = client.get(f"{CHANGELIST}?{query}")
        assert response.status_code == 200, query
        return {a.reference for a in response.context["cl"].result_list}

    assert refs("review=overdue") == {"OVERDUE"}
    assert refs("review=soon") == {"SOON"}
    assert refs("basis=A6-1-a") == {"CONSENT"}
    assert refs("status__exact=active") == {"CONSENT"}
    assert refs("special=yes") == {"HEALTH"}
    assert refs("outside_eea=yes") == {"US-TRANSFER"}
    assert refs("country=US") == {"US-TRANSFER"}
    assert refs(f"organisation={org_a.pk}") == {"OVERDUE", "SOON", "CONSENT", "HEALTH",
                                                "US-TRANSFER"}
    # Another organisation's register is not reachable, even by its filter value.
    assert refs(f"organisation={org_b.pk}") == set()
    assert "OTHER-ORG" not in refs("")
    # Every bare activity lacks purposes: all have error findings; none is clean.
    assert refs("findings=error") == refs("")
    assert refs("findings=none") == set()


@pytest.mark.django_db
def test_findings_filter_separates_complete_records(client, org_a, dpo_a, activity_a):
    ActivityFactory(organisation=org_a, reference="EMPTY")
    client.force_login(dpo_a)
    response = client.get(f"{CHANGELIST}?findings=none")
    assert [a.reference for a in response.context["cl"].result_list] == ["PA-001"]
    response = client.get(f"{CHANGELIST}?findings=any")
    assert [a.reference for a in response.context["cl"].result_list] == ["EMPTY"]


@pytest.mark.django_db
def test_the_change_list_shows_each_activitys_completeness(client, org_a, dpo_a):
    complete_activity(organisation=org_a, reference="FULL")
    ActivityFactory(organisation=org_a, reference="EMPTY")
    client.force_login(dpo_a)
    content = client.get(CHANGELIST).content.decode()
    # org_a has contact details but no DPO: (a) is partial for both.
    assert 'title="Art 30(1)(a): partial">86%</span>' in content
    assert "Art 30(1)(b): missing" in content and ">14%</span>" in content


@pytest.mark.parametrize("url,french", [
    ("admin:processing_personaldatacategory_changelist", "Données de santé"),
    ("admin:processing_lawfulbasis_changelist", "Intérêts légitimes"),
    ("admin:entities_recipientcategory_changelist", "Sociétés du groupe"),
    ("admin:entities_country_changelist", "Allemagne"),
])
def test_reference_data_lists_show_the_french_names(client, dpo_a, url, french):
    client.force_login(dpo_a)
    response = client.get(reverse(url), {"q": french})
    assert response.status_code == 200
    names = [obj.name_fr for obj in response.context["cl"].result_list]
    assert names == [french]
    assert french in response.content.decode()


@pytest.mark.django_db
def test_change_list_counts_the_activities_once(client, org_a, dpo_a):
    """The paginator counts the activities listed; the whole register is not counted again
    beside them (a second scan that grows with the register)."""
    bulk_register(org_a, 5)
    client.force_login(dpo_a)
    for url in (CHANGELIST, f"{CHANGELIST}?review=none"):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in (q["sql"] or "")]
        assert len(counts) == 1, counts
