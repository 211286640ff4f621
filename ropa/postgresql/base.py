"""Django's PostgreSQL backend, with a health check that costs no round trip, and the text
of prepared statements in the query log.

With ``CONN_HEALTH_CHECKS`` Django checks a persistent connection at the start of every
request that uses it, by sending ``SELECT 1`` and waiting for the answer: on the API's
busiest read that was one statement in three. A server that ends a connection (restart,
``pg_terminate_backend``, ``idle_session_timeout``, a pooler closing it) first writes an
error to it and closes it, so an idle connection whose socket has something to read is
suspect, and one with nothing to read is as good as ``SELECT 1`` would find it (a peer
that vanished silently would leave ``SELECT 1`` waiting too). Only a suspect connection
is checked with ``SELECT 1``, and dropped if that fails; the request then reconnects.

The statements that :func:`ropa.db.prepared_cursor` prepares on the server leave psycopg
with no text of their own, so Django's debug query log (and the queries a test captures)
recorded ``None`` for them; their text is now composed as a client-side cursor would.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base, operations
from psycopg import errors, pq


class DatabaseOperations(operations.DatabaseOperations):
    def last_executed_query(self, cursor, sql, params):
        text = super().last_executed_query(cursor, sql, params)
        if text is None and sql is not None:
            try:
                return self.compose_sql(sql, params)
            except errors.DataError:
                return sql
        return text


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def is_usable(self):
        conn = self.connection
        if conn is None or conn.closed or conn.broken:
            return False
        if conn.info.transaction_status == pq.TransactionStatus.IDLE:
            try:
                pending, _, _ = select.select([conn.fileno()], [], [], 0)
            except (OSError, ValueError):
                return False
            if not pending:
                return True
        return super().is_usable()
