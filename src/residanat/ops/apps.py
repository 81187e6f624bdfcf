from django.apps import AppConfig


class OpsConfig(AppConfig):
    # Running the site: its commands, the health URL, and the background jobs' progress (jobs.py).
    name = "residanat.ops"
