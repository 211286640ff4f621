"""The database connection as the settings configure it: Django's stock PostgreSQL backend
with persistent connections checked by a round trip (``CONN_HEALTH_CHECKS``), a connection
the server ended replaced on the next request; and ``ropa.db.prepared_cursor``, the one
hand-rolled path left, with what it relies on in Django and psycopg."""

import io
import json
import select
import time

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import (
    OperationalError,
    ProgrammingError,
    close_old_connections,
    connection,
    connections,
)
from django.test.utils import CaptureQueriesContext

from processing.models import ProcessingActivity
from ropa.db import prepared_cursor

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL backend"),
]


@pytest.fixture
def wrapper(db):
    """A connection of its own, in autocommit, with health checks, as a web worker has."""
    conn = connections.create_connection("default")
    conn.ensure_connection()
    assert conn.health_check_enabled is True  # from the settings (CONN_HEALTH_CHECKS)
    yield conn
    conn.close()


def backend_pid(conn) -> int:
    with conn.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def last_statement(pid: int) -> str:
    """What the server last ran for backend ``pid``, asked over a connection of its own."""
    observer = connections.create_connection("default")
    try:
        with observer.cursor() as cursor:
            cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
            return cursor.fetchone()[0]
    finally:
        observer.close()


def terminate(conn) -> None:
    """The server ends ``conn`` (as on a restart, or a pooler closing it); wait until its
    goodbye has arrived."""
    pid, sock = conn.connection.info.backend_pid, conn.connection.fileno()
    killer = connections.create_connection("default")
    try:
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            assert cursor.fetchone()[0] is True
    finally:
        killer.close()
    deadline = time.monotonic() + 10
    while not select.select([sock], [], [], 0.1)[0]:
        assert time.monotonic() < deadline, "the server did not close the connection"


def test_a_postgres_database_url_uses_djangos_own_backend(settings):
    default = settings.DATABASES["default"]
    assert default["ENGINE"] == "django.db.backends.postgresql"
    assert type(connections["default"]).__module__ == "django.db.backends.postgresql.base"
    assert default["CONN_HEALTH_CHECKS"] is True
    assert default["CONN_MAX_AGE"] > 0
    assert default["OPTIONS"]["prepare_threshold"] == 5
    assert "server_side_binding" not in default["OPTIONS"]


def test_a_kept_connection_is_checked_with_a_round_trip(wrapper):
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT 'last one' AS marker")
    assert last_statement(wrapper.connection.info.backend_pid) == "SELECT 'last one' AS marker"
    assert wrapper.is_usable() is True
    assert last_statement(wrapper.connection.info.backend_pid) == "SELECT 1"


def test_a_connection_the_server_ended_is_not_usable(wrapper):
    terminate(wrapper)
    assert wrapper.is_usable() is False


def test_the_next_query_reconnects_after_the_server_ended_the_connection(wrapper):
    old_pid = wrapper.connection.info.backend_pid
    terminate(wrapper)
    # What Django does at the start of every request, then the request's first query.
    wrapper.close_if_unusable_or_obsolete()
    assert backend_pid(wrapper) != old_pid


def get(app: WSGIHandler, path: str) -> tuple[str, bytes]:
    """One request through Django's WSGI handler, as gunicorn makes it (with the request
    signals that close and check connections, which the test client leaves out)."""
    statuses = []
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver", "wsgi.input": io.BytesIO(b""), "wsgi.errors": io.StringIO(),
        "wsgi.url_scheme": "http", "wsgi.version": (1, 0), "wsgi.multithread": False,
        "wsgi.multiprocess": True, "wsgi.run_once": False,
    }
    response = app(environ, lambda status, headers, exc_info=None: statuses.append(status))
    try:
        body = b"".join(response)
    finally:
        response.close()
    return statuses[0], body


@pytest.mark.django_db(transaction=True)
def test_the_next_request_is_served_after_the_server_ended_the_connection():
    app = WSGIHandler()
    status, _ = get(app, "/health/")
    assert status == "200 OK"
    kept = connection.connection  # persistent: the request left it open
    assert kept is not None and not kept.closed
    old_pid = kept.info.backend_pid

    terminate(connection)
    status, body = get(app, "/health/")

    assert status == "200 OK", body
    assert json.loads(body)["database"] == "ok"
    assert connection.connection.info.backend_pid != old_pid


@pytest.mark.django_db(transaction=True)
def test_the_prepared_cursor_reconnects_after_the_server_ended_the_connection():
    old_pid = backend_pid(connection)
    terminate(connection)
    close_old_connections()  # Django's handler of request_started
    with prepared_cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != old_pid


# What ropa.db.prepared_cursor relies on: each test fails if Django or psycopg change it.


@pytest.mark.django_db
def test_djangos_server_binding_cursor_binds_on_the_server_and_its_default_on_the_client():
    from django.db.backends.postgresql.base import ServerBindingCursor

    assert issubclass(ServerBindingCursor, psycopg.Cursor)
    assert not issubclass(ServerBindingCursor, psycopg.ClientCursor)
    with connection.cursor() as default, prepared_cursor() as prepared:
        assert isinstance(default.cursor, psycopg.ClientCursor)
        assert type(prepared.cursor) is ServerBindingCursor
        assert prepared.db is default.db  # the same connection, in the same transaction


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_a_statement_is_prepared_after_prepare_threshold_runs_of_the_prepared_cursor():
    threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
    for n in range(threshold + 1):
        with prepared_cursor() as cursor:
            cursor.execute("SELECT %s::integer * 2 AS doubled", [n])
            assert cursor.fetchone() == (2 * n,)
        with connection.cursor() as cursor:
            cursor.execute("SELECT %s::integer * 3 AS tripled", [n])
            assert cursor.fetchone() == (3 * n,)
    prepared = prepared_statements()
    assert "SELECT $1::integer * 2 AS doubled" in prepared
    assert not [statement for statement in prepared if "tripled" in statement]


@pytest.mark.django_db
def test_the_prepared_cursor_is_counted_logged_and_its_errors_are_djangos():
    with CaptureQueriesContext(connection) as captured, prepared_cursor() as cursor:
        cursor.execute("SELECT %s::integer + 1", [41])
        assert cursor.fetchone() == (42,)
    # Bound on the server, the statement is logged as PostgreSQL received it (once it is
    # prepared, psycopg keeps no text of it and the log shows None).
    assert [q["sql"] for q in captured.captured_queries] == ["SELECT $1::integer + 1"]
    with pytest.raises(ProgrammingError), prepared_cursor() as cursor:
        cursor.execute("SELECT no_such_column FROM auth_user WHERE id = %s", [1])


@pytest.mark.django_db
def test_statements_of_more_than_65535_parameters_work_bound_on_the_client():
    """Why server_side_binding is not turned on for every statement."""
    ids = range(1, 70_001)
    assert ProcessingActivity.objects.filter(pk__in=ids).count() == 0
    with pytest.raises(OperationalError, match="65535"), prepared_cursor() as cursor:
        cursor.execute(f"SELECT 1 WHERE 0 IN ({', '.join(['%s'] * len(ids))})", list(ids))
