"""A whole register read a batch of organisations at a time selects each batch's parts in
a way whose cost follows the batch, not the register (processing/register/sources.py,
``among``)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from processing.models import ActivityLawfulBasis, ProcessingActivity
from processing.register import read_register
from processing.register.sources import among
from tests.factories import OrganisationFactory, complete_activity


def _register(organisations=3, activities=2):
    for o in range(organisations):
        organisation = OrganisationFactory(name=f"Organisation {o}")
        for a in range(activities):
            complete_activity(organisation=organisation, reference=f"PA-{o}-{a}")


def _read(**kwargs):
    with CaptureQueriesContext(connection) as captured:
        read = [(o.name, [(a.reference, len(a.purposes), len(a.data_categories),
                           len(a.lawful_bases)) for a in o.activities])
                for o in read_register(**kwargs).organisations]
    return read, [q["sql"] for q in captured]


@pytest.mark.django_db
def test_each_batchs_parts_are_looked_up_by_the_ids_of_its_activities():
    _register()
    read, queries = _read(batch_activities=2)  # one organisation per batch
    assert [name for name, _ in read] == ["Organisation 0", "Organisation 1", "Organisation 2"]
    assert all(len(activities) == 2 and all(p == 1 and d == 2 and b >= 1
                                            for _r, p, d, b in activities)
               for _name, activities in read)
    parts = [q for q in queries if 'FROM "processing_purpose"' in q]
    assert len(parts) == 3  # one per batch
    if connection.vendor == "postgresql":
        # The batch's activities run first, then each part is an index probe: as
        # ``activity_id IN (subquery)`` PostgreSQL joined the whole table of each part,
        # once per batch (a CSV export of 100,000 activities: 21 s in its queries, 10,000: 1 s).
        assert all('"activity_id" = ANY(ARRAY(SELECT' in q for q in parts)
        assert not any('"activity_id" IN (SELECT' in q for q in parts)
        links = [q for q in queries if "processing_processingactivity_data_categories" in q]
        assert links and all('"processingactivity_id" = ANY(ARRAY(SELECT' in q for q in links)
    # The activities' own ordering (by organisation name) is not carried into the subquery.
    assert all("ORDER BY" not in q.split("ARRAY(", 1)[1].split(")))", 1)[0]
               for q in parts if "ARRAY(" in q)


@pytest.mark.django_db
def test_among_selects_the_rows_of_the_subquerys_values():
    _register(organisations=2, activities=2)
    wanted = ProcessingActivity.objects.filter(reference__in=["PA-0-1", "PA-1-0"])
    found = ActivityLawfulBasis.objects.filter(among("activity_id", wanted.values("id")))
    assert {use.activity.reference for use in found} == {"PA-0-1", "PA-1-0"}
    assert not ActivityLawfulBasis.objects.filter(
        among("activity_id", wanted.none().values("id"))).exists()


@pytest.mark.django_db
def test_among_a_list_of_keys_selects_them_in_one_parameter():
    _register(organisations=2, activities=2)
    ids = list(ProcessingActivity.objects.filter(reference__in=["PA-0-1", "PA-1-0"])
               .values_list("id", flat=True))
    with CaptureQueriesContext(connection) as captured:
        found = list(ActivityLawfulBasis.objects.filter(among("activity_id", ids)))
    assert {use.activity_id for use in found} == set(ids)
    assert not ActivityLawfulBasis.objects.filter(among("activity_id", [])).exists()
    if connection.vendor == "postgresql":
        assert '"activity_id" = ANY(' in captured[0]["sql"]


@pytest.mark.django_db
def test_activities_read_in_chunks_name_their_keys_as_one_array():
    from processing.register.reader import read_in_chunks

    _register(organisations=2, activities=3)
    ids = list(ProcessingActivity.objects.order_by("-reference").values_list("id", flat=True))
    with CaptureQueriesContext(connection) as captured:
        read = [a.reference for a in read_in_chunks(ids, chunk_size=4)]
    assert read == ["PA-1-2", "PA-1-1", "PA-1-0", "PA-0-2", "PA-0-1", "PA-0-0"]
    if connection.vendor == "postgresql":
        # Each query of a chunk carries its keys as one array, not one parameter each.
        assert not any('"processing_processingactivity"."id" IN (' in q["sql"]
                       or '"activity_id" IN (' in q["sql"] for q in captured)
        assert any('"processing_processingactivity"."id" = ANY(' in q["sql"] for q in captured)
