"""Benchmark settings: the local settings on PostgreSQL, DEBUG off, plus a bare comparison view.

``BENCH_CONNECTIONS`` and ``BENCH_BINDING`` choose how the database is reached, so that
bench/run.py can serve each way side by side and measure them in the same run:

- ``BENCH_CONNECTIONS``: ``persistent`` (``CONN_MAX_AGE`` with ``CONN_HEALTH_CHECKS``, as
  shipped) or ``pool`` (Django's connection pool, health-checked on checkout);
- ``BENCH_BINDING``: ``client`` (Django's default cursor) or ``server``
  (``OPTIONS["server_side_binding"]``: every statement bound on the server, and those run
  ``prepare_threshold`` times prepared).

Unset, the shipped settings are used as they are.
"""

import os

from ropa.settings.local import *  # noqa: F403
from ropa.settings.local import DATABASES

DEBUG = False
# The growth run imports the workbook of 100,000 activities (33 MB, 150,000 rows in its
# largest sheet): an installation whose register is that large raises the upload bounds so.
ROPA_IMPORT_MAX_BYTES = 256 * 1024 * 1024
ROPA_IMPORT_MAX_ROWS = 2_000_000
ROPA_IMPORT_MAX_UNCOMPRESSED = 4 * 1024 * 1024 * 1024
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["*"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

_default = DATABASES["default"]
_options = _default.setdefault("OPTIONS", {})
match os.environ.get("BENCH_CONNECTIONS"):
    case "persistent":
        _default.update(CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=True)
        _options.pop("pool", None)
    case "pool":
        _default.update(CONN_MAX_AGE=0, CONN_HEALTH_CHECKS=True)
        _options["pool"] = {"min_size": 1, "max_size": 2}
if "BENCH_APPLICATION_NAME" in os.environ:  # lets bench/throughput.py find the backends
    _options["application_name"] = os.environ["BENCH_APPLICATION_NAME"]
match os.environ.get("BENCH_BINDING"):
    case "client":
        _options.pop("server_side_binding", None)
    case "server":
        _options["server_side_binding"] = True
