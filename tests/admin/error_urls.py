"""The site's URLs and a page that fails, for the test of the 500 page."""

from django.urls import path

from ropa.urls import handler403, handler404, handler500  # noqa: F401
from ropa.urls import urlpatterns as site_urlpatterns


def failing(request):
    raise RuntimeError("a bug")


urlpatterns = [path("failing/", failing), *site_urlpatterns]
