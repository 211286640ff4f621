"""The PostgreSQL backend's health check (ropa/postgresql): no round trip for a connection
the server has not closed, and a connection the server closed is dropped and replaced."""

import select
import time

import pytest
from django.db import connection, connections

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL backend"),
]


@pytest.fixture
def wrapper():
    """A connection of its own, in autocommit, with health checks, as a web worker has."""
    conn = connections.create_connection("default")
    conn.health_check_enabled = True
    conn.ensure_connection()
    yield conn
    conn.close()


def last_statement(conn) -> str:
    """What the server last ran for ``conn``, asked over another connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s",
                       [conn.connection.info.backend_pid])
        return cursor.fetchone()[0]


def terminate(conn) -> None:
    """The server ends ``conn`` (as on a restart); wait until its goodbye has arrived."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [conn.connection.info.backend_pid])
        assert cursor.fetchone()[0] is True
    deadline = time.monotonic() + 10
    while not select.select([conn.connection.fileno()], [], [], 0.1)[0]:
        assert time.monotonic() < deadline, "the server did not close the connection"


def test_a_postgres_database_url_uses_this_backend(settings):
    assert settings.DATABASES["default"]["ENGINE"] == "ropa.postgresql"
    assert type(connections["default"]).__module__ == "ropa.postgresql.base"


def test_a_healthy_idle_connection_is_usable_without_a_statement(wrapper):
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT 'last one' AS marker")
    assert wrapper.is_usable() is True
    assert last_statement(wrapper) == "SELECT 'last one' AS marker"


def test_a_connection_inside_a_transaction_is_checked_with_a_statement(wrapper):
    wrapper.set_autocommit(False)
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT 'in a transaction'")
    assert wrapper.is_usable() is True
    assert last_statement(wrapper) == "SELECT 1"
    wrapper.rollback()
    wrapper.set_autocommit(True)


def test_a_connection_the_server_ended_is_not_usable(wrapper):
    terminate(wrapper)
    assert wrapper.is_usable() is False


def test_the_next_request_reconnects_after_the_server_ended_the_connection(wrapper):
    old_pid = wrapper.connection.info.backend_pid
    terminate(wrapper)
    # What Django does at the start of every request, then the request's first query.
    wrapper.close_if_unusable_or_obsolete()
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        new_pid = cursor.fetchone()[0]
    assert new_pid != old_pid


def test_prepared_statements_are_in_the_query_log(django_assert_max_num_queries):
    from ropa.db import prepared_cursor

    with django_assert_max_num_queries(1) as captured, prepared_cursor() as cursor:
        cursor.execute("SELECT %s::integer + 1, %s::text", [41, "it's"])
        assert cursor.fetchone() == (42, "it's")
    assert captured.captured_queries[0]["sql"] == "SELECT 41::integer + 1, 'it''s'::text"
