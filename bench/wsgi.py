"""The production WSGI entry point (``ropa.wsgi``: warm-up and GC tuning) on the bench settings.

``BENCH_PREPARED=stock`` serves the app with ``ropa.db.prepared_cursor`` replaced by
Django's own ``connection.cursor()``, to measure the hand-rolled prepared cursor against
the stock one in the same run.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

if os.environ.get("BENCH_PREPARED") == "stock":
    from django.db import connection

    import ropa.db

    # Before the app's modules import it (ropa.wsgi imports every URLconf).
    ropa.db.prepared_cursor = lambda: connection.cursor()

from ropa.wsgi import application  # noqa: F401
