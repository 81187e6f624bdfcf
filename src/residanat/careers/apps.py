from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareersConfig(AppConfig):
    name = "residanat.careers"
    verbose_name = _("Parcours des stagiaires")

    def ready(self):
        # The kinds of documents this app issues, with their readers, are registered on import: the
        # register (documents.kinds.readable) must know them all before the first download.
        from . import documents  # noqa: F401
