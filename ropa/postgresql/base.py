"""Django's PostgreSQL backend, with a health check that costs no round trip.

With ``CONN_HEALTH_CHECKS`` Django checks a persistent connection at the start of every
request that uses it, by sending ``SELECT 1`` and waiting for the answer: on the API's
busiest read that was one statement in three. A server that ends a connection (restart,
``pg_terminate_backend``, ``idle_session_timeout``, a pooler closing it) first writes an
error to it and closes it, so an idle connection whose socket has something to read is
suspect, and one with nothing to read is as good as ``SELECT 1`` would find it (a peer
that vanished silently would leave ``SELECT 1`` waiting too). Only a suspect connection
is checked with ``SELECT 1``, and dropped if that fails; the request then reconnects.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
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
