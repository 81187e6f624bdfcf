from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareersConfig(AppConfig):
    name = "residanat.careers"
    verbose_name = _("Parcours des stagiaires")
