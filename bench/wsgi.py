import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
application = get_wsgi_application()

from ropa.wsgi import tune_gc  # noqa: E402 - after the app is loaded, as in production

tune_gc()
