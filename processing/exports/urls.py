from django.urls import path

from .views import RegisterExportView

urlpatterns = [
    path("", RegisterExportView.as_view(), name="register-export"),
]
