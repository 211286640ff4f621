"""The site's 403, 404 and 500 pages: the workspace's templates (templates/403.html,
404.html, 500.html), or Django's plain page when they cannot be drawn, as when the
static files of a production install have not been collected yet (their manifest does
not know the theme's stylesheet): an error page never turns into a 500 of its own."""

import logging

from django.http import (
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
    JsonResponse,
)
from django.views import defaults

from ropa.security import evaluating_page

logger = logging.getLogger(__name__)


def _or_plain(render, plain):
    try:
        return render()
    except Exception:  # the page's own failure must not hide the answer
        logger.exception("The error page could not be drawn; a plain one was sent.")
        return plain


@evaluating_page
def not_found(request, exception=None):
    """A page that does not exist: JSON in the API's error shape under /api/, the site's
    page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"errors": [{"field": None, "code": "not_found",
                                         "message": "Not found."}]}, status=404)
    return _or_plain(lambda: defaults.page_not_found(request, exception),
                     HttpResponseNotFound("<h1>Not Found</h1>"))


@evaluating_page
def permission_denied(request, exception=None):
    return _or_plain(lambda: defaults.permission_denied(request, exception),
                     HttpResponseForbidden("<h1>403 Forbidden</h1>"))


@evaluating_page
def server_error(request):
    return _or_plain(lambda: defaults.server_error(request),
                     HttpResponseServerError("<h1>Server Error (500)</h1>"))
