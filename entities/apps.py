from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EntitiesConfig(AppConfig):
    name = "entities"
    verbose_name = _("Organisations and third parties")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from simple_history.signals import pre_create_historical_record

        from ropa.audit import set_history_path

        pre_create_historical_record.connect(set_history_path, dispatch_uid="ropa_history_path")
