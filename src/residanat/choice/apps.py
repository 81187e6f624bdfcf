from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChoiceConfig(AppConfig):
    name = "residanat.choice"
    verbose_name = _("Choix des postes")

    def ready(self):
        # The kinds of documents this app issues, with their readers, are registered on import: the
        # register (documents.kinds.readable) must know them all before the first download; so must the worker its
        # background jobs' kinds (ops.jobs.job_kind).
        from . import documents, provisional, rounds  # noqa: F401
