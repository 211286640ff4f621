from django.urls import path

from .api import PrivacyNoticeView

urlpatterns = [
    path("organisations/<int:pk>/privacy-notice/", PrivacyNoticeView.as_view(),
         name="organisation-privacy-notice"),
]
