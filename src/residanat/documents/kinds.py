"""Names of the kinds of documents, for pages that show a document without its content.

Each app registers the kinds it issues next to the function that issues them.
"""

from django.utils.translation import gettext_lazy as _

_LABELS = {}


def register(kind: str, label) -> str:
    _LABELS[kind] = label
    return kind


def label(kind: str):
    return _LABELS.get(kind, kind)


STATUS_ATTESTATION = register("status_attestation", _("Attestation de statut"))
