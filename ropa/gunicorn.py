"""gunicorn settings (https://docs.gunicorn.org/en/stable/settings.html), from the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle a worker after this many requests (a guard against slow leaks); at a thousand
# lookups a second a low value would restart every worker every few seconds.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
# The app is imported once, in the master, and every worker is forked from it: a new or
# recycled worker serves at once instead of importing Django and the app first, and the
# workers share the imported code. New code therefore needs a restart of the master, not
# a HUP.
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def pre_fork(server, worker):
    """No connection opened while the master loaded the app may be shared by a worker."""
    from django.db import connections

    connections.close_all()
