from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from ropa.health import health

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
    path("api/v1/export/", include("processing.exports.urls")),
    path("api/v1/reports/", include("reports.api_urls")),
    path("api/v1/", include("processing.api.urls")),
]
