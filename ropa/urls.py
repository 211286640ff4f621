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


handler403 = "ropa.errors.permission_denied"
handler404 = "ropa.errors.not_found"
handler500 = "ropa.errors.server_error"
