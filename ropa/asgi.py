"""ASGI entry point."""

from django.core.asgi import get_asgi_application

from ropa.server import use_server_settings

use_server_settings()

application = get_asgi_application()
