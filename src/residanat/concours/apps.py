from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConcoursConfig(AppConfig):
    name = "residanat.concours"
    verbose_name = _("Concours")
