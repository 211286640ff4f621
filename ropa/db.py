"""Statements that PostgreSQL plans once per connection.

The API's busiest reads (the token check, the lawful-basis lookup, the API's list
statements) are fixed statements run thousands of times a second; planning the lookup's
UNION costs PostgreSQL more than running it. A cursor from :func:`prepared_cursor` binds
its parameters on the server, so psycopg prepares a statement once the connection has run
it ``prepare_threshold`` times (settings), and later runs on the same (persistent)
connection skip the planner. Behind a pooler in transaction mode, prepared statements
need PgBouncer 1.21 or later (``max_prepared_statements``).

Django's own way, ``OPTIONS["server_side_binding"]``, binds every statement of the app
on the server, and PostgreSQL takes at most 65,535 parameters in a statement bound there:
a filter on the ids of 70,000 activities (the register is meant to grow to 100,000) would
fail. Only the hot statements, whose parameters are few, are therefore bound on the
server; every other statement keeps Django's client-side binding. The cursor is Django's
own server-binding cursor class, made and wrapped as ``connection.cursor()`` does it (see
docs/architecture.md; tests/hardening/test_database_backend.py guards what this relies on).
"""

from __future__ import annotations

from django.db import connection


def prepared_cursor():
    """A cursor (as ``connection.cursor()``) whose statements are bound on the server and,
    once repeated, prepared; on other databases, Django's usual cursor."""
    if connection.vendor != "postgresql" or connection.features.uses_server_side_binding:
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    # What BaseDatabaseWrapper.cursor() does, with Django's server-binding cursor class.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = ServerBindingCursor(connection.connection)
    connection.validate_thread_sharing()
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)
