"""The settings a server process takes when none is named.

gunicorn (``ropa.wsgi``), an ASGI server (``ropa.asgi``), the Celery worker and beat
(``celery -A ropa``) all run the production settings unless ``DJANGO_SETTINGS_MODULE``
says otherwise: a server started without it stops with a message naming the missing
setting instead of serving the development settings (DEBUG on, the repository's key).
Only ``manage.py``, a developer's command, defaults to ``ropa.settings.local``.
"""

import os

SERVER_SETTINGS = "ropa.settings.production"


def use_server_settings() -> None:
    """Choose the production settings unless DJANGO_SETTINGS_MODULE is set."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SERVER_SETTINGS)
