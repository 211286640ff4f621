from django.apps import AppConfig


class RopaConfig(AppConfig):
    name = "ropa"
    verbose_name = "ROPA register"

    def ready(self):
        from . import security

        security.connect()
