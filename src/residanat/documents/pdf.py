"""Issue numbered, hashed PDFs: the one way any app produces an official document.

`issue_pdf` records the document, renders it in its own language and archives the bytes; a
failure at any step leaves neither a row nor a file behind. `render_pdf_bytes` renders without
recording (previews, tests).
"""

import base64
import datetime as dt
import hashlib
import json
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlencode, urlsplit

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from . import kinds
from .models import IssuedDocument

# Static files are referenced as `{% static %}` paths ("/static/..."), which the fetcher resolves
# with the staticfiles finders, so PDFs render the same with or without collectstatic.
_STATIC_BASE_URL = "file:///"


class _OfflineFetcher(URLFetcher):
    """A document must not depend on (or leak to) the network, nor read arbitrary local files:
    only data: URIs, static files (through the finders) and the system fonts."""

    font_roots = ("/usr/share/fonts/", "/usr/local/share/fonts/")

    def __init__(self):
        super().__init__(allowed_protocols={"file", "data"})

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            url = self._local(url)
        return super().fetch(url, headers)

    def _local(self, url):
        static_prefix = "file:///" + settings.STATIC_URL.lstrip("/")
        if url.startswith(static_prefix):
            found = finders.find(unquote(url[len(static_prefix):].split("?")[0]))
            if found:
                return Path(found).resolve().as_uri()
        path = Path(unquote(urlsplit(url).path)).resolve()
        if any(str(path).startswith(root) for root in self.font_roots):
            return path.as_uri()
        raise ValueError(f"local file not allowed in a document: {url}")


def _json_default(value):
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        # A string keeps "12.50" and "12.5" apart, as printed; a float would not.
        return str(value)
    if isinstance(value, Promise):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not allowed in document facts")


def canonical_json(data) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def content_hash(*, number: str, issued_on: dt.date, kind: str, language: str, title: str, facts: dict) -> str:
    payload = {
        "number": number,
        "issued_on": issued_on,
        "kind": kind,
        "language": language,
        "title": title,
        "facts": facts,
    }
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def public_base_url() -> str:
    """Where the QR code sends a reader; a printed document outlives any request, so not the request host."""
    configured = getattr(settings, "RESIDANAT_PUBLIC_URL", "")
    if configured:
        return configured.rstrip("/")
    host = next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h not in ("*", "")), "localhost")
    scheme = "https" if getattr(settings, "HTTPS", False) else "http"
    return f"{scheme}://{host}"


def verification_url(number: str, hash_: str = "", *, absolute: bool = True) -> str:
    """The verify page in the current language, pre-filled with the number (and the hash, for the QR)."""
    query = {"number": number}
    if hash_:
        query["hash"] = hash_
    path = f"{reverse('documents:verify')}?{urlencode(query)}"
    return public_base_url() + path if absolute else path


def qr_data_uri(url: str) -> str:
    # Medium error correction survives a crease or a stamp over the code on a paper copy.
    qr = segno.make(url, error="m", micro=False)
    svg = qr.svg_inline(scale=4, border=2, dark="#000", light="#fff", omitsize=False)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def render_pdf_bytes(*, template: str, facts: dict, kind: str, title: str, language: str,
                     number: str = "", issued_on: dt.date | None = None, content_hash: str = "",
                     extra_context: dict | None = None) -> bytes:
    """Render `template` in `language` to PDF bytes, with the footer a recorded document carries.

    Templates print what `facts` say, never model instances: the printed hash covers the facts
    only. `extra_context` is for presentation (an issuer's name in the letterhead, a layout flag).
    """
    issued_on = issued_on or timezone.localdate()
    with translation.override(language):
        verify_url = verification_url(number) if number else ""
        qr_url = verification_url(number, content_hash) if number and content_hash else ""
        context = {
            "facts": facts,
            "kind": kind,
            "title": title,
            "language": language,
            "number": number,
            "issued_on": issued_on,
            "content_hash": content_hash,
            "verify_url": verify_url,
            "verify_display_url": _display_url(verify_url),
            "qr_src": qr_data_uri(qr_url) if qr_url else "",
            **(extra_context or {}),
        }
        html = render_to_string(template, context)
    return HTML(string=html, base_url=_STATIC_BASE_URL, url_fetcher=_OfflineFetcher()).write_pdf()


def _display_url(url: str) -> str:
    # Printed without the scheme: shorter on paper, and browsers add it back.
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path}?{parts.query}" if url else ""


def already_issued(documents, *, kind: str, language: str, title: str, facts: dict) -> IssuedDocument | None:
    """The first of `documents` (issued earlier) whose recorded hash these facts give again: the
    same content, so the same document rather than a new number."""
    for document in documents:
        same = content_hash(number=document.number, issued_on=timezone.localdate(document.issued_at),
                            kind=kind, language=language, title=title, facts=facts)
        if same == document.content_hash:
            return document
    return None


def issue_pdf(*, template: str, facts: dict, kind: str, title: str, language: str, person=None,
              issued_by=None, extra_context: dict | None = None) -> IssuedDocument:
    """Record, number, hash, render and archive one document, all or nothing."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown document language {language!r}")
    title = str(title)
    stored_name = None
    try:
        with transaction.atomic():
            document = IssuedDocument.objects.create(
                kind=kind, title=title, language=language, person=person, issued_by=issued_by
            )
            issued_on = timezone.localdate(document.issued_at)
            document.number = f"{settings.RESIDANAT_DOCUMENT_PREFIX}-{issued_on.year}-{document.pk:06d}"
            document.content_hash = content_hash(
                number=document.number, issued_on=issued_on, kind=kind, language=language,
                title=title, facts=facts,
            )
            pdf = render_pdf_bytes(
                template=template, facts=facts, kind=kind, title=title, language=language,
                number=document.number, issued_on=issued_on, content_hash=document.content_hash,
                extra_context=extra_context,
            )
            document.file_sha256 = hashlib.sha256(pdf).hexdigest()
            document.size = len(pdf)
            document.file.save(f"{document.number}.pdf", ContentFile(pdf), save=False)
            stored_name = document.file.name
            document.save(update_fields=["number", "content_hash", "file_sha256", "size", "file"])
    except BaseException:
        # The row went with the rollback; the file is outside the database, so it goes by hand.
        if stored_name:
            document.file.storage.delete(stored_name)
        raise
    return document


def issue_once(*, template: str, facts: dict, kind: str, language: str, person, by) -> IssuedDocument:
    """A person's document titled by its kind's label: the same facts on the same day give back the
    document already issued rather than a new number."""
    with translation.override(language):
        title = str(kinds.label(kind))
    earlier = already_issued(IssuedDocument.objects.filter(person=person, kind=kind, language=language)
                             .exclude(file="").order_by("-issued_at"),
                             kind=kind, language=language, title=title, facts=facts)
    if earlier is not None:
        return earlier
    return issue_pdf(template=template, facts=facts, kind=kind, title=title, language=language, person=person,
                     issued_by=by)


def issue_public(*, template: str, facts: dict, kind: str, title: str, language: str, by=None) -> IssuedDocument:
    """A document about nobody in particular (a public communiqué), numbered and verifiable like
    the others: the same facts give back the document already issued, new facts a new number."""
    title = str(title)
    earlier = already_issued(IssuedDocument.objects.filter(person=None, kind=kind, language=language, title=title)
                             .exclude(file="").order_by("-issued_at"),
                             kind=kind, language=language, title=title, facts=facts)
    if earlier is not None:
        return earlier
    return issue_pdf(template=template, facts=facts, kind=kind, title=title, language=language,
                     issued_by=by if getattr(by, "is_authenticated", False) else None)
