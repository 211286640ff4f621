"""The production WSGI entry point (``ropa.wsgi``: warm-up and GC tuning) on the bench settings."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from ropa.wsgi import application  # noqa: F401
