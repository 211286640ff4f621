"""The findings of a whole register are those of each activity, read in a few queries per
chunk of activities whatever the chunk holds."""

import datetime

import pytest
from django.utils import timezone

from processing.findings import activity_findings, register_findings
from processing.models import ProcessingActivity
from processing.register import read_activity
from tests.core.test_findings import BREAKERS
from tests.factories import (
    LawfulBasisUseFactory,
    OrganisationFactory,
    RecipientFactory,
    ThirdPartyFactory,
    TransferFactory,
    basis,
    complete_activity,
    country,
    data_category,
    mechanism,
)

pytestmark = pytest.mark.django_db


def _one_by_one(queryset, today):
    return {a.pk: activity_findings(a, today=today) for a in queryset}


@pytest.fixture
def varied_register():
    """One activity breaking each rule; one with several findings of the same rules (their
    order and messages must match); a retired one; an EU organisation beside a UK one."""
    for breaker in BREAKERS.values():
        breaker(complete_activity())
    many = complete_activity(systematic_monitoring=True)
    many.data_categories.add(data_category("health"), data_category("biometric"),
                             data_category("genetic"), data_category("criminal-offences"))
    for code in ("A6-1-e", "A6-1-c", "A6-1-a"):
        LawfulBasisUseFactory(activity=many, basis=basis(code), citation="")
    for name in ("Zeta processor", "Alpha processor"):
        RecipientFactory(activity=many, third_party=ThirdPartyFactory(
            organisation=many.organisation, name=name, contract_link=""))
    for code in ("IN", "CN", "BR"):
        TransferFactory(activity=many, country=country(code), mechanism=None)
    TransferFactory(activity=many, country=country("IN"), mechanism=mechanism("A49-1-a"))
    retired = complete_activity(status="retired")
    BREAKERS["A30-PURPOSES"](retired)
    eu = complete_activity(organisation=OrganisationFactory(name="EU Org", jurisdiction="eu"))
    TransferFactory(activity=eu, country=country("GI"), mechanism=None)
    return {"many": many, "retired": retired, "eu": eu}


@pytest.mark.parametrize("chunk_size", [500, 3])
def test_register_findings_are_those_of_each_activity(varied_register, chunk_size):
    today = timezone.localdate()
    activities = ProcessingActivity.objects.all()

    found = register_findings(activities, today=today, chunk_size=chunk_size)

    assert found == _one_by_one(activities, today)
    assert list(found) == list(activities.values_list("pk", flat=True))  # queryset order
    assert {f.code for fs in found.values() for f in fs} == set(BREAKERS)
    assert found[varied_register["retired"].pk] == []
    assert "CH5-MECHANISM" in {f.code for f in found[varied_register["eu"].pk]}
    many = found[varied_register["many"].pk]
    assert [f.message.split(" is relied")[0] for f in many if f.code == "A6-3-CITATION"] == [
        basis("A6-1-c").name, basis("A6-1-e").name]
    art9 = next(f.message for f in many if f.code == "A9-CONDITION")
    assert "(Biometric data (for identification), Genetic data, Health data)" in art9
    assert sum(f.code == "CH5-MECHANISM" for f in many) == 3


def test_register_findings_of_a_filtered_and_ordered_queryset(varied_register):
    today = timezone.localdate() + datetime.timedelta(days=400)  # drafts are stale by then
    activities = (ProcessingActivity.objects.filter(organisation__jurisdiction="uk")
                  .current().order_by("-name"))

    found = register_findings(activities, today=today, chunk_size=4)

    assert found == _one_by_one(activities, today)
    assert list(found) == list(activities.values_list("pk", flat=True))
    assert varied_register["eu"].pk not in found and varied_register["retired"].pk not in found


def test_register_findings_queries_grow_with_chunks_not_with_rows(django_assert_max_num_queries):
    for _ in range(4):
        complete_activity()
    with django_assert_max_num_queries(25) as small:
        register_findings(chunk_size=4)
    for _ in range(4):  # a second chunk, with more rows of every kind
        activity = complete_activity()
        RecipientFactory(activity=activity)
        TransferFactory(activity=activity, country=country("IN"), mechanism=None)
    with django_assert_max_num_queries(25) as two_chunks:
        register_findings(chunk_size=4)
    per_chunk = len(two_chunks.captured_queries) - len(small.captured_queries)
    # The activities, the links, five kinds of rows and the third parties they name.
    assert 0 < per_chunk <= 8


def test_one_activity_record_is_checked_without_a_query(django_assert_num_queries):
    activity = complete_activity()
    BREAKERS["A28-CONTRACT"](activity)
    record = read_activity(activity.pk)
    with django_assert_num_queries(0):
        codes = {f.code for f in activity_findings(record)}
    assert codes == {"A28-CONTRACT"}
    assert activity_findings(activity) == activity_findings(record)


def test_chunks_read_each_organisations_third_parties_once():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from processing.register.reader import read_in_chunks

    organisation = OrganisationFactory()
    ids = [complete_activity(organisation=organisation).pk for _ in range(4)]

    def read(chunk_ids):
        with CaptureQueriesContext(connection) as ctx:
            records = list(read_in_chunks(chunk_ids, chunk_size=2))
        return records, [q for q in ctx.captured_queries
                         if 'FROM "entities_thirdparty"' in q["sql"]]

    records, reads = read(ids)
    assert [record.id for record in records] == ids
    assert all(use.third_party is not None for record in records for use in record.recipients)
    assert len(reads) == 1  # the second chunk's organisation is read already

    other = complete_activity()  # another organisation, met in the second chunk: read then
    assert other.organisation_id != organisation.pk
    records, reads = read([ids[0], ids[1], other.pk])
    assert len(reads) == 2
    assert [use.third_party.organisation_id for use in records[-1].recipients] == [
        other.organisation_id]
