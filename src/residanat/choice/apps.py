from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChoiceConfig(AppConfig):
    name = "residanat.choice"
    verbose_name = _("Choix des postes")
