"""Uploaded files.

A document (a candidate's piece, a proxy, a disciplinary file's piece) is accepted by its content
(`check_upload`). A file imported in two steps is checked in full without writing anything and
shown (the preview), then written on the user's confirmation. Between the two, the previewed file
is kept in the session, so what the confirmation writes is exactly what was shown."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SPREADSHEET_EXTENSIONS = (".xlsx", ".csv", ".txt")
# First bytes of each accepted type: the declared type and the extension prove nothing.
SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}


def upload_problem(upload, extensions=SPREADSHEET_EXTENSIONS, wrong_kind: str = "") -> str:
    """Why an uploaded file is refused before it is read ("" when it is not); `wrong_kind` says
    what to upload instead (by default a spreadsheet). The size limit is every upload's,
    `RESIDANAT_UPLOAD_MAX_BYTES`."""
    max_bytes = settings.RESIDANAT_UPLOAD_MAX_BYTES
    if upload is None:
        return _("Choisissez un fichier.")
    if not upload.name.lower().endswith(extensions):
        return wrong_kind or _("Déposez un fichier Excel (.xlsx) ou CSV.")
    if upload.size > max_bytes:
        return _("Le fichier dépasse %(size)s Mo.") % {"size": max_bytes // (1024 * 1024)}
    return ""


def keep_previewed(request, key: str, name: str, data: bytes, ok: bool, params: dict | None = None) -> str:
    """Keep the previewed file under `key` when it can be written (else forget any file kept
    there), with what else the confirmation needs (`params`, JSON); return its token, for the
    confirmation form to send back."""
    token = hashlib.sha256(data).hexdigest()
    if ok:
        request.session[key] = {"token": token, "name": name, "data": base64.b64encode(data).decode("ascii"),
                                "params": params or {}}
    else:
        request.session.pop(key, None)
    return token


def previewed(request, key: str) -> tuple[str, bytes, dict] | None:
    """The (name, bytes, params) of the file kept under `key`, when the confirmation sends back its
    token; else None, with a message to upload the file again."""
    stored = request.session.get(key)
    if not stored or stored["token"] != request.POST.get("token"):
        messages.error(request, _("Le fichier prévisualisé n'est plus disponible : déposez-le à nouveau."))
        return None
    return stored["name"], base64.b64decode(stored["data"]), stored.get("params") or {}


def forget_previewed(request, key: str) -> None:
    request.session.pop(key, None)


@dataclass(frozen=True)
class CheckedUpload:
    upload: object
    content_type: str
    size: int
    sha256: str
    original_name: str


def sniff_content_type(head: bytes) -> str | None:
    """The accepted type whose signature the content starts with, or None."""
    for content_type, signatures in SIGNATURES.items():
        if any(head.startswith(signature) for signature in signatures):
            return content_type
    return None


def check_upload(upload) -> CheckedUpload:
    """Accept a document by its content: one of `RESIDANAT_UPLOAD_TYPES` as its first bytes show,
    no larger than `RESIDANAT_UPLOAD_MAX_BYTES`. Raises ValidationError with the reason."""
    allowed = settings.RESIDANAT_UPLOAD_TYPES
    limit = settings.RESIDANAT_UPLOAD_MAX_BYTES
    size = upload.size
    if size == 0:
        raise ValidationError(_("Le fichier est vide."))
    if size > limit:
        raise ValidationError(_("Le fichier pèse %(size)s Mo ; %(limit)s Mo au plus.")
                              % {"size": _megabytes(size), "limit": _megabytes(limit)})
    upload.seek(0)
    digest = hashlib.sha256()
    head = b""
    for chunk in upload.chunks():
        if len(head) < 16:
            head += chunk[:16 - len(head)]
        digest.update(chunk)
    upload.seek(0)
    content_type = sniff_content_type(head)
    if content_type is None or content_type not in allowed:
        kinds_ = ", ".join(ext.lstrip(".").upper() for ext in allowed.values())
        raise ValidationError(_("Ce fichier n'est pas un %(kinds)s lisible (son contenu a été vérifié, pas "
                                "seulement son nom).") % {"kinds": kinds_})
    name = (getattr(upload, "name", "") or "document").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    return CheckedUpload(upload, content_type, size, digest.hexdigest(), name)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".").replace(".", ",")


def stored_name(kind: str, checked: CheckedUpload) -> str:
    # The stored name says what the piece is; the uploader's own file name is kept in the row.
    return f"{kind}{settings.RESIDANAT_UPLOAD_TYPES[checked.content_type]}"
