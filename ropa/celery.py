"""Celery application: periodic DPO reports and other background work."""

from celery import Celery

from .server import use_server_settings

# The worker and beat take the rule of every server (ropa/server.py); manage.py has
# chosen its own settings before this runs.
use_server_settings()

app = Celery("ropa")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
