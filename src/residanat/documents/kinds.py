"""The kinds of documents: their names, for pages that show a document without its content, and
who reads each one (`readers.Readers`, decision 0021).

Each app registers the kinds it issues next to the function that issues them, with their readers:
the register (download, the person's page, the timeline) and the kind's own pages ask here.
"""

from django.db.models import Q

from .readers import Readers

_LABELS = {}
_READERS = {}


def register(kind: str, label, *, readers: Readers) -> str:
    if not isinstance(readers, Readers):
        raise TypeError(f"the document kind {kind!r} is registered without its readers")
    _LABELS[kind] = label
    _READERS[kind] = readers
    return kind


def label(kind: str):
    return _LABELS.get(kind, kind)


def readers(kind: str) -> Readers:
    return _READERS[kind]


def registered() -> dict:
    """Every registered kind and its readers."""
    return dict(_READERS)


def readable(user, documents=None):
    """The issued documents `user` may open: by the readers of each kind; the person concerned
    reads their own documents whatever the kind (an unregistered kind: nobody else)."""
    from .models import IssuedDocument

    documents = IssuedDocument.objects.all() if documents is None else documents
    if user is None or not user.is_authenticated or not user.is_active:
        return documents.none()
    if user.is_superuser:
        return documents
    condition = Q(person__user=user.pk)
    for kind, rule in _READERS.items():
        condition |= Q(kind=kind) & rule.documents(user)
    return documents.filter(condition)
