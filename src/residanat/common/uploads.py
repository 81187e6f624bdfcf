"""A file imported in two steps: checked in full without writing anything and shown (the preview),
then written on the user's confirmation. Between the two, the previewed file is kept in the
session, so what the confirmation writes is exactly what was shown."""

from __future__ import annotations

import base64
import hashlib

from django.conf import settings
from django.contrib import messages
from django.utils.translation import gettext as _

SPREADSHEET_EXTENSIONS = (".xlsx", ".csv", ".txt")


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


def keep_previewed(request, key: str, name: str, data: bytes, ok: bool) -> str:
    """Keep the previewed file under `key` when it can be written (else forget any file kept
    there); return its token, for the confirmation form to send back."""
    token = hashlib.sha256(data).hexdigest()
    if ok:
        request.session[key] = {"token": token, "name": name, "data": base64.b64encode(data).decode("ascii")}
    else:
        request.session.pop(key, None)
    return token


def previewed(request, key: str) -> tuple[str, bytes] | None:
    """The (name, bytes) of the file kept under `key`, when the confirmation sends back its token;
    else None, with a message to upload the file again."""
    stored = request.session.get(key)
    if not stored or stored["token"] != request.POST.get("token"):
        messages.error(request, _("Le fichier prévisualisé n'est plus disponible : déposez-le à nouveau."))
        return None
    return stored["name"], base64.b64decode(stored["data"])


def forget_previewed(request, key: str) -> None:
    request.session.pop(key, None)
