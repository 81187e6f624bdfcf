"""The headers every answer carries, decided once for pages, files and the API alike
(docs/decisions/0023-response-headers.md)."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

# A PDF shown in the browser: Chrome's viewer wraps it in a page of its own that embeds the file
# (an <embed>, ruled by object-src) and styles that embed inline (crbug.com/271452). A PDF holds no
# script the policy could stop; these two directives only let the viewer show it.
PDF_DIRECTIVES = {
    "default-src": ["'none'"],
    "object-src": ["'self'"],
    "style-src": ["'unsafe-inline'"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
    "frame-ancestors": ["'none'"],
}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy (`CONTENT_SECURITY_POLICY`) on every answer; a PDF gets its own."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and response.get("Content-Type", "").startswith("application/pdf"):
            parts.config = PDF_DIRECTIVES
        return parts


class PrivateCacheMiddleware:
    """`Cache-Control: private, no-store` on every answer of the application: pages, PDFs,
    workbooks, uploads and API answers may all show personal data (law 09-08), and none may stay
    in a shared cache or on the disk of a shared computer. The only exceptions are answers whose
    view declared them `public` (the projected board of a choice session, the API docs assets);
    static files are served outside Django (or by runserver's handler, before any middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "public" not in response.get("Cache-Control", ""):
            patch_cache_control(response, private=True, no_store=True)
        return response


class RequestSizeLimitMiddleware:
    """Refuse a body larger than `RESIDANAT_REQUEST_MAX_BYTES` from its Content-Length, before a
    byte of it is read (413, in the page's language; JSON under /api/)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.RESIDANAT_REQUEST_MAX_BYTES
        if length > limit:
            return self.refuse(request, limit)
        return self.get_response(request)

    def refuse(self, request, limit):
        # LocaleMiddleware has not run yet: the language comes from the path (/ar/…), else the
        # cookie or the browser, as it would.
        language = translation.get_language_from_request(request, check_path=True)
        with translation.override(language):
            message = _("La requête dépasse %(size)s Mo : envoyez des fichiers plus petits.") % {
                "size": limit // (1024 * 1024)}
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": message}, status=413)
            html = render_to_string("request_too_large.html", {
                "message": message, "LANG": language, "BIDI": translation.get_language_bidi()})
        return HttpResponse(html, status=413)
