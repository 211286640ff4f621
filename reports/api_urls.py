"""/api/v1/reports/: included by ropa/urls.py."""

from rest_framework.routers import SimpleRouter

from .api import ReportViewSet

app_name = "reports-api"

router = SimpleRouter()
router.register("", ReportViewSet, basename="report")

urlpatterns = router.urls
