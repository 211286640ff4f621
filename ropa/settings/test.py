"""Tests: the real PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set, SQLite otherwise."""

from .base import *  # noqa: F403
from .base import ROPA_EXPORT_STORAGE, ROPA_IMPORT_STORAGE, ROPA_PACK_STORAGE, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="test-only-not-secret-5d1c")
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "imports": ROPA_IMPORT_STORAGE,
    "packs": ROPA_PACK_STORAGE,
    "exports": ROPA_EXPORT_STORAGE,
}
# The test client's login() calls authenticate() without a request, which django-axes
# refuses; the lockout test turns axes on for itself.
AXES_ENABLED = False
