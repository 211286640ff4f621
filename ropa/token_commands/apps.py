from django.apps import AppConfig


class TokenCommandsConfig(AppConfig):
    name = "ropa.token_commands"
    label = "ropa_token_commands"
    verbose_name = "API token commands"
