"""Sending a document (PDF, workbook) to the browser, and the language a document is issued in."""

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language

DOCUMENT_LANGUAGES = ("fr", "ar")


def document_response(content: bytes, filename: str, content_type: str, *, inline: bool = False,
                      private: bool = True) -> HttpResponse:
    """`content` as the file `filename`, shown by the browser (`inline`) or saved. A private
    document (personal data, a draft, a scope's own figures) says no-store: no shared cache may keep it."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    if private:
        response["Cache-Control"] = "private, no-store"
    return response


def issued_pdf_response(document, *, inline: bool = False, filename: str | None = None,
                        stream: bool = False) -> HttpResponse:
    """The stored PDF of an issued document (`IssuedDocument`), named `filename` (its number by
    default), shown by the browser (`inline`) or saved, never kept by a shared cache. The file is
    always closed: `stream` sends it in chunks (FileResponse closes it when the server closes the
    response: the download page); otherwise it is read whole and closed before answering (the
    pages that show a document in the browser)."""
    filename = filename or f"{document.number}.pdf"
    if stream:
        response = FileResponse(document.file.open("rb"), as_attachment=not inline, filename=filename,
                                content_type="application/pdf")
        response["Cache-Control"] = "private, no-store"
        return response
    with document.file.open("rb") as stored:
        return document_response(stored.read(), filename, "application/pdf", inline=inline)


def document_language(request=None, data=None, *, field: str = "lang", value: str | None = None,
                      default: str | None = None) -> str:
    """The language, fr or ar, in which a document is issued. The one rule, for a page and for the
    service that issues the document alike:

    1. the language asked: `value` when the caller holds it (a service's argument), else the form's
       `field` (`lang`; read from `data`, a POST, else from the request's query string), when it
       names fr or ar, case and region ignored ("AR", "ar-MA" → ar);
    2. else `default` when the document has one (discipline's letters and statements, the
       published lists: fr);
    3. else the page's language (the active language): ar when it is Arabic, fr otherwise.
    """
    if value is None and request is not None:
        value = (request.GET if data is None else data).get(field)
    asked = (value or "").lower()[:2]
    if asked in DOCUMENT_LANGUAGES:
        return asked
    if default is not None:
        return default
    return "ar" if (get_language() or "").startswith("ar") else "fr"
