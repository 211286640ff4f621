"""``/health/``: for the load balancer. 200 when the database and the broker answer, 503
otherwise, with which one failed."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_broker(timeout: float = 2.0) -> str:
    from ropa.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=timeout)
        # Redis: a real round trip; the filesystem transport just needs its folders.
        if conn.transport_cls in ("redis", "rediss"):
            conn.default_channel.client.ping()
    return "ok"


@never_cache
@require_GET
def health(request):
    checks, healthy = {}, True
    for name, check in (("database", check_database), ("broker", check_broker)):
        try:
            checks[name] = check()
        except Exception as exc:
            checks[name] = f"error: {type(exc).__name__}: {exc}"[:300]
            healthy = False
    return JsonResponse({"status": "ok" if healthy else "error", **checks},
                        status=200 if healthy else 503)
