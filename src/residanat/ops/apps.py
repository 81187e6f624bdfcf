from django.apps import AppConfig


class OpsConfig(AppConfig):
    # No model and no page: an app only for its management commands.
    name = "residanat.ops"
