from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import diff_views, history_views, views

router = DefaultRouter()
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("recipients", views.RecipientViewSet, basename="recipient")
router.register("activities", views.ActivityViewSet, basename="activity")
router.register("data-categories", views.DataCategoryViewSet, basename="data-category")
router.register("data-subject-categories", views.DataSubjectCategoryViewSet,
                basename="data-subject-category")
router.register("lawful-bases", views.LawfulBasisViewSet, basename="lawful-basis")
router.register("countries", views.CountryViewSet, basename="country")
router.register("transfer-mechanisms", views.TransferMechanismViewSet, basename="transfer-mechanism")
router.register("special-category-conditions", views.SpecialCategoryConditionViewSet,
                basename="special-category-condition")
router.register("schedule1-conditions", views.Schedule1ConditionViewSet,
                basename="schedule1-condition")
router.register("recipient-categories", views.RecipientCategoryViewSet,
                basename="recipient-category")
router.register("security-measures", views.SecurityMeasureViewSet, basename="security-measure")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("activities/<str:pk>/history/", history_views.ActivityHistoryView.as_view(),
         name="activity-history"),
    path("organisations/<str:pk>/history/", history_views.OrganisationHistoryView.as_view(),
         name="organisation-history"),
    path("recipients/<str:pk>/history/", history_views.RecipientHistoryView.as_view(),
         name="recipient-history"),
    path("register/diff/", diff_views.RegisterDiffView.as_view(), name="register-diff"),
    path("", include(router.urls)),
]
