from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConcoursConfig(AppConfig):
    name = "residanat.concours"
    verbose_name = _("Concours")

    def ready(self):
        # The kinds of documents this app issues, with their readers, are registered on import: the
        # register (documents.kinds.readable) must know them all before the first download.
        from . import candidate_export, publication, registration  # noqa: F401
