"""What a chunk of a bulk write reads to copy its rows into history is the chunk's rows,
however many rows the transaction wrote before it.

A register imported into a new database fills its tables inside one transaction, in which
they have no planner statistics: PostgreSQL's planner takes each for a few pages. The
statements that copy a chunk's rows (and links) into history must not then scan the
whole table, or every chunk reads every row written before it and the import's time
grows with the square of the register's size. Their plans are read with EXPLAIN, on
PostgreSQL, after many chunks were written in the test's transaction.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from entities.models import Country, ThirdParty
from processing.models import PersonalDataCategory, ProcessingActivity
from ropa import bulk
from tests.factories import ActivityFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

#: Chunks of bulk.BATCH rows written before the small chunk whose statements are explained.
EARLIER = 8
LAST = 100


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's plans")


def plan_of(ctx: CaptureQueriesContext, table: str) -> str:
    """EXPLAIN of the one statement captured in ``ctx`` that inserts into ``table``."""
    [sql] = [q["sql"] for q in ctx.captured_queries if f'INSERT INTO "{table}"' in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def analyzed(ctx: CaptureQueriesContext, table: str) -> int:
    return sum(q["sql"].startswith(f'ANALYZE "{table}"') for q in ctx.captured_queries)


def test_the_history_of_a_chunk_is_read_through_the_primary_key_after_many_chunks():
    organisation, country = OrganisationFactory(), Country.objects.get(code="GB")

    def parties(c, n):
        return [ThirdParty(organisation=organisation, name=f"Supplier {c}-{i}", kind="processor",
                           country=country) for i in range(n)]

    with CaptureQueriesContext(connection) as earlier:
        for c in range(EARLIER):
            bulk.create_with_history(ThirdParty, parties(c, bulk.BATCH))
    last = parties("last", LAST)
    with CaptureQueriesContext(connection) as ctx:
        history_ids = bulk.create_with_history(ThirdParty, last)

    plan = plan_of(ctx, ThirdParty.history.model._meta.db_table)
    assert "Seq Scan on entities_thirdparty" not in plan, plan
    assert "Index Scan using entities_thirdparty_pkey" in plan, plan
    # Its statistics were taken each time it doubled: at 1,000, 2,000, 4,000 and 8,000 rows.
    assert analyzed(earlier, ThirdParty._meta.db_table) == 4
    assert analyzed(ctx, ThirdParty._meta.db_table) == 0
    copied = ThirdParty.history.filter(history_id__in=history_ids.values())
    assert sorted(copied.values_list("id", "name")) == sorted((p.pk, p.name) for p in last)


def test_the_links_of_a_chunk_are_read_by_their_owners_not_through_the_whole_link_table():
    organisation = OrganisationFactory()
    category = PersonalDataCategory.objects.order_by("pk").first()
    template = ActivityFactory.build(organisation=organisation)
    fields = {f.attname: getattr(template, f.attname) for f in ProcessingActivity._meta.concrete_fields
              if not f.primary_key and f.attname not in ("organisation_id", "reference", "name")}

    def chunk(c, n):
        activities = [ProcessingActivity(organisation=organisation, reference=f"PA-{c}-{i}",
                                         name=f"Activity {c}-{i}", **fields) for i in range(n)]
        history_ids = bulk.create_with_history(ProcessingActivity, activities)
        bulk.link_with_history(ProcessingActivity, "data_categories",
                               {a.pk: [category.pk] for a in activities}, history_ids)
        return activities, history_ids

    for c in range(EARLIER):
        chunk(c, bulk.BATCH)
    with CaptureQueriesContext(connection) as ctx:
        activities, history_ids = chunk("last", LAST)

    table = "processing_historicalprocessingactivity_data_categories"
    plan = plan_of(ctx, table)
    through = ProcessingActivity.data_categories.through._meta.db_table
    assert f"Seq Scan on {through}" not in plan, plan
    assert "Merge Join" not in plan, plan
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT history_id, processingactivity_id, personaldatacategory_id FROM "{table}" '
                       f"WHERE processingactivity_id = ANY(%s)", [[a.pk for a in activities]])
        recorded = cursor.fetchall()
    assert sorted(recorded) == sorted((history_ids[a.pk], a.pk, category.pk) for a in activities)
