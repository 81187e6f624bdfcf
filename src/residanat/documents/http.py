"""Sending a document (PDF, workbook) to the browser."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header


def document_response(content: bytes, filename: str, content_type: str, *, inline: bool = False,
                      private: bool = True) -> HttpResponse:
    """`content` as the file `filename`, shown by the browser (`inline`) or saved. A private
    document (personal data, a draft, a scope's own figures) says no-store: no shared cache may keep it."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    if private:
        response["Cache-Control"] = "private, no-store"
    return response
