"""Benchmark settings: the local settings on PostgreSQL, DEBUG off, plus a bare comparison view."""

from ropa.settings.local import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["*"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
