"""WSGI entry point (gunicorn ropa.wsgi)."""

import gc

from django.core.wsgi import get_wsgi_application

from ropa.server import use_server_settings

use_server_settings()

application = get_wsgi_application()


def warm_up() -> None:
    """Import the URL configuration and every module it includes now, at start-up (in the
    gunicorn master, before the workers are forked), rather than in each worker's first
    request."""
    from django.urls import get_resolver

    get_resolver().reverse_dict  # noqa: B018  (the property imports every included URLconf)


def tune_gc() -> None:
    """Keep the objects loaded at start-up out of garbage collection and collect less
    often: a page of the register builds thousands of short-lived objects, and full
    collections over the whole heap would otherwise dominate its latency."""
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)


warm_up()
tune_gc()
