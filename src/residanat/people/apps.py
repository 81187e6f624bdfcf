from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "residanat.people"
    verbose_name = _("Personnes")

    def ready(self):
        # The kinds of documents this app issues, with their readers, are registered on import: the
        # register (documents.kinds.readable) must know them all before the first download.
        from . import attestations  # noqa: F401
