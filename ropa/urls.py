from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from ropa.health import health

# The product's name where the stock admin would say "Django administration"; the theme
# takes the same from settings.UNFOLD (ropa.workspace).
admin.site.site_header = admin.site.site_title = settings.SITE_NAME
admin.site.index_title = _("Worklist")

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
    path("review/", include("campaigns.urls")),
    path("api/v1/export/", include("processing.exports.urls")),
    path("api/v1/reports/", include("reports.api_urls")),
    path("api/v1/", include("notices.urls")),
    path("api/v1/", include("processing.api.urls")),
]


def not_found(request, exception=None):
    """A page that does not exist: JSON in the API's error shape under /api/, the site's
    page elsewhere."""
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"errors": [{"field": None, "code": "not_found",
                                         "message": "Not found."}]}, status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


handler404 = not_found
