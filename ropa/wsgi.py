"""WSGI entry point (gunicorn ropa.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ropa.settings.production")

application = get_wsgi_application()


def tune_gc() -> None:
    """Keep the objects loaded at start-up out of garbage collection and collect less
    often: a page of the register builds thousands of short-lived objects, and full
    collections over the whole heap would otherwise dominate its latency."""
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)


tune_gc()
