from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsCentreConfig(AppConfig):
    name = "exports_centre"
    verbose_name = _("Export centre")
    default_auto_field = "django.db.models.BigAutoField"
