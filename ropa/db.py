"""Statements that PostgreSQL plans once per connection.

The API's busiest reads (the token check, the lawful-basis lookup) are fixed statements
run thousands of times a second; planning the lookup's UNION cost PostgreSQL more than
running it. A cursor from :func:`prepared_cursor` binds its parameters on the server and
prepares each statement on its first use, so later runs on the same (persistent)
connection skip the planner. Elsewhere Django's usual cursor is returned. Behind a pooler
in transaction mode, prepared statements need PgBouncer 1.21 or later
(``max_prepared_statements``).
"""

from __future__ import annotations

import functools

from django.db import connection


@functools.cache
def _prepared_cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparedCursor(ServerBindingCursor):
        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

    return PreparedCursor


def prepared_cursor():
    """A cursor (as ``connection.cursor()``) whose statements are prepared on PostgreSQL."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = _prepared_cursor_class()(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)
