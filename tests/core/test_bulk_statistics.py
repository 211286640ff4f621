"""A large bulk write refreshes PostgreSQL's planner statistics of what it filled."""

import pytest
from django.db import connection

from entities.models import ThirdParty
from ropa import bulk
from tests.factories import OrganisationFactory, ThirdPartyFactory

pytestmark = pytest.mark.django_db


def estimated_rows(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


def third_parties(n):
    organisation = OrganisationFactory()
    return [ThirdPartyFactory.build(organisation=organisation, name=f"Supplier {i}")
            for i in range(n)]


def test_a_large_bulk_write_is_analyzed_on_commit(django_capture_on_commit_callbacks):
    if connection.vendor != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")
    history = ThirdParty.history.model._meta.db_table
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        bulk.create_with_history(ThirdParty, third_parties(bulk.ANALYZE_FROM))
    assert len(callbacks) == 1
    assert estimated_rows(ThirdParty._meta.db_table) >= bulk.ANALYZE_FROM
    assert estimated_rows(history) >= bulk.ANALYZE_FROM


def test_a_small_bulk_write_leaves_statistics_to_autovacuum(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        bulk.create_with_history(ThirdParty, third_parties(10))
    assert callbacks == []


def test_a_table_written_in_many_bulk_writes_is_analyzed_once(django_capture_on_commit_callbacks):
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")
    with django_capture_on_commit_callbacks() as callbacks:
        for _ in range(3):  # one register written a chunk at a time
            bulk.create_with_history(ThirdParty, third_parties(bulk.ANALYZE_FROM))
    assert len(callbacks) == 3
    with CaptureQueriesContext(connection) as ctx:
        for callback in callbacks:
            callback()
    analyzed = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("ANALYZE")]
    assert len(analyzed) == 1
    assert ThirdParty._meta.db_table in analyzed[0]
    assert ThirdParty.history.model._meta.db_table in analyzed[0]
    assert estimated_rows(ThirdParty._meta.db_table) >= 3 * bulk.ANALYZE_FROM

    with django_capture_on_commit_callbacks() as callbacks:  # a later commit: analysed again
        bulk.create_with_history(ThirdParty, third_parties(bulk.ANALYZE_FROM))
    with CaptureQueriesContext(connection) as ctx:
        callbacks[0]()
    assert [q for q in ctx.captured_queries if q["sql"].startswith("ANALYZE")]
