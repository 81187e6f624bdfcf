"""The public board's poll, answered from the shared cache (issue 23 item 3).

Up to a thousand screens poll a session's board every 2 s. Each version of the board is rendered
once, stored in the shared cache (Redis with CACHE_URL, else the database's cache table), and
served to everybody; a poll whose ETag has not moved answers 304. The poll is answered by
`BoardPollMiddleware` before the session, CSRF, authentication and messages middleware: it reads
one cache key (the session's version and state) and, on a change, one cached body. It never loads
a session object or a user. Nothing is kept in the process between requests.

The version key is dropped by the writers of the session (`changed`, called after every bump of
`ChoiceSession.version`); a reader that finds no key reads the version from the database and adds
it for a few seconds. A body is stored under the version it was rendered from, read from the same
rows, so a body never claims a newer version than its own.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control

from .models import ChoiceSession

# The version key lives this long: a change made without `changed` (an administrator's edit), or a
# reader putting back the version it read just before a writer's commit, shows on the board after
# this at the latest.
VERSION_SECONDS = 5
BODY_SECONDS = 3600
WAITING = "attente"
LIVE_OR_CLOSED = (ChoiceSession.State.LIVE, ChoiceSession.State.CLOSED)
_PREFIXES = "|".join(re.escape(code) for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE)
POLL_PATH = re.compile(rf"^/(?:(?P<lang>{_PREFIXES})/)?choix/(?P<slug>[-\w]+)/tableau/etat/$")


def version_key(slug: str) -> str:
    return f"choice-board:v:{slug}"


def body_key(tag: str, language: str) -> str:
    return f"choice-board:body:{tag}:{language}"


def tag_of(slug: str, version: int, state: str) -> str:
    return f"{slug}.{version}.{state}"


def changed(session: ChoiceSession) -> None:
    """The session's board has changed (its version moved): drop the version key, inside the
    writer's transaction (the database cache drops it with the commit) and again once committed
    (Redis, which does not wait for the commit: a reader may have put back the old version
    meanwhile). The next poll reads the version from the database."""
    key = version_key(session.competition.slug)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def current_tag(slug: str) -> str | None:
    """The board's version as `slug.version.state`: one cache read, one database read on a miss."""
    tag = cache.get(version_key(slug))
    if tag is None:
        row = ChoiceSession.objects.filter(competition__slug=slug).values_list("version", "state").first()
        if row is None:
            return None
        tag = tag_of(slug, *row)
        cache.add(version_key(slug), tag, VERSION_SECONDS)
    return tag


def _etag(tag: str, language: str, waiting: bool) -> str:
    return f'"{tag}.{language}.{"w" if waiting else "b"}"'


def _matches(request, etag: str) -> bool:
    header = request.META.get("HTTP_IF_NONE_MATCH", "")
    return any(part.strip().removeprefix("W/") in (etag, "*") for part in header.split(",") if part.strip())


def _public(response: HttpResponse, etag: str, language: str) -> HttpResponse:
    response["ETag"] = etag
    response["Content-Language"] = language
    # Public (seats only, no name): the one answer the private no-store rule lets a browser keep
    # (residanat.web.middleware.PrivateCacheMiddleware), asked again at every poll.
    patch_cache_control(response, public=True, no_cache=True)
    # XFrameOptionsMiddleware is not reached on this path; the security and CSP middleware are.
    response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    return response


def answer_poll(request, slug: str, language: str) -> HttpResponse | None:
    """The fragment of the board, a 304, or HX-Refresh for a page opened before the session that
    has now begun; None when there is no such session (the view answers 404)."""
    from .views_live import render_board_state  # the page's templates and context

    tag = current_tag(slug)
    if tag is None:
        return None
    waiting = bool(request.GET.get(WAITING))
    state = tag.rsplit(".", 1)[1]
    etag = _etag(tag, language, waiting)
    if waiting and state in LIVE_OR_CLOSED:
        response = HttpResponse()
        response["HX-Refresh"] = "true"
        return _public(response, etag, language)
    if _matches(request, etag):
        return _public(HttpResponse(status=304), etag, language)
    body = cache.get(body_key(tag, language))
    if body is None:
        with translation.override(language):
            rendered = render_board_state(slug)
        if rendered is None:
            return None
        body, tag = rendered
        cache.set(body_key(tag, language), body, BODY_SECONDS)
        etag = _etag(tag, language, waiting)
    return _public(HttpResponse(body), etag, language)


class BoardPollMiddleware:
    """The early path of the board's poll (settings.MIDDLEWARE, before the session middleware):
    a public GET that needs no session, no CSRF token and no user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            match = POLL_PATH.match(request.path_info)
            if match:
                response = answer_poll(request, match["slug"], match["lang"] or settings.LANGUAGE_CODE)
                if response is not None:
                    return response
        return self.get_response(request)
