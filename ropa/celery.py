"""Celery application: periodic DPO reports and other background work."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ropa.settings.local")

app = Celery("ropa")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
