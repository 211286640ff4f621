from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("campaign/<int:campaign_id>/", views.review_signed_in, name="review_signed_in"),
    path("<str:token>/", views.review, name="review"),
]
