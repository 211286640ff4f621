"""The findings of a whole register are those of each activity, read in a few queries per
chunk of activities whatever the chunk holds."""

import datetime

import pytest
from django.utils import timezone

from entities.models import ThirdParty
from processing.findings import _Table, activity_findings, register_findings
from processing.models import ProcessingActivity
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
    return {a.pk: activity_findings(a, today=today) for a in queryset.with_register()}


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
    assert 0 < per_chunk <= 7  # the activities, the links, five kinds of rows


def test_one_activity_reads_the_prefetched_lists_without_a_query(django_assert_num_queries):
    activity = complete_activity()
    BREAKERS["A28-CONTRACT"](activity)
    activity = ProcessingActivity.objects.with_register().get(pk=activity.pk)
    with django_assert_num_queries(0):
        codes = {f.code for f in activity_findings(activity)}
    assert codes == {"A28-CONTRACT"}


def test_a_third_party_added_while_the_register_is_read_is_found():
    first = ThirdPartyFactory(name="Early")
    table = _Table(ThirdParty)
    late = ThirdPartyFactory(name="Late", organisation=first.organisation)

    assert table[first.pk] == first and table[late.pk] == late
    assert table.rank[late.pk] == 1
    with pytest.raises(KeyError):
        table[late.pk + 1000]
