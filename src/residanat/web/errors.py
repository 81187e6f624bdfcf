"""Our 403, 404 and 500 pages (issue 25 item 6): in the page's language, with the menu when the user
is logged in, and a way back (the dashboard, and the page the user came from when it is one of
ours). Refusals of the API stay JSON (api/refusals.py): these handlers serve the pages only.

The 500 page is rendered as simply as possible: if even that fails (the database is down, a
context processor breaks), Django's plain answer is sent rather than a second error."""

from __future__ import annotations

import logging

from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import cache_control

logger = logging.getLogger(__name__)


def previous_page(request) -> str:
    """The page the user came from, when it is a page of this site (never a link elsewhere, and
    never the page that failed itself)."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer or not url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return ""
    if referer == request.build_absolute_uri():
        return ""
    return referer


def _message(exception) -> str:
    """A refusal's own words (our services raise PermissionDenied with a translated sentence that
    often cites its article); nothing for a bare refusal."""
    if exception is None or not exception.args:
        return ""
    text = str(exception.args[0])
    return "" if text in ("", "None") else text


def forbidden(request, exception=None):
    return render(request, "403.html", {"message": _message(exception), "back": previous_page(request)}, status=403)


def csrf_failure(request, reason=""):
    """A form sent without its token, or with an outdated one (a page left open across a logout,
    a session expired): our 403, saying what to do, instead of Django's English page."""
    message = _("Ce formulaire a expiré (session terminée ou page trop ancienne) : rechargez la page et "
                "recommencez. Rien n'a été enregistré.")
    return render(request, "403.html", {"message": message, "back": previous_page(request)}, status=403)


def not_found(request, exception=None):
    return render(request, "404.html", {"back": previous_page(request)}, status=404)


def server_error(request):
    try:
        return render(request, "500.html", {"back": previous_page(request)}, status=500)
    except Exception:  # the page of last resort must not fail in turn
        logger.exception("the styled 500 page failed; Django's plain one is sent")
        return defaults.server_error(request)


@cache_control(public=True, max_age=86400)
def favicon(request):
    """/favicon.ico, which browsers ask for whatever the page says: the static file (vendored in
    static/favicon.ico, referenced by base.html)."""
    path = finders.find("favicon.ico")
    if path is None:
        raise Http404
    return FileResponse(open(path, "rb"), content_type="image/x-icon")
