from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayrollConfig(AppConfig):
    name = "residanat.payroll"
    label = "payroll"
    verbose_name = _("Paie des stagiaires")

    def ready(self):
        # The kinds of documents this app issues, with their readers, are registered on import: the
        # register (documents.kinds.readable) must know them all before the first download; so must the worker its
        # background jobs' kinds (ops.jobs.job_kind).
        from . import documents, payslips, runs  # noqa: F401
