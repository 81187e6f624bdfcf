"""The site's routes that take a POST from a page (every form of the site), found from the URL
conf: a view whose code reads `request.POST`, checks for a POST or is marked `require_POST`. The
JSON API (`api:`) and Django's admin are not pages of ours."""

from __future__ import annotations

import inspect
import re

from django.urls import URLResolver, get_resolver


def _takes_post(view) -> bool:
    while hasattr(view, "__wrapped__"):
        view = view.__wrapped__
    view = getattr(view, "view_class", view)
    try:
        source = inspect.getsource(view)
    except (OSError, TypeError):
        return False
    return bool(_POST.search(source))


# Reading the body, checking the method, or the decorator; not any word holding POST (POST_SORTS).
_POST = re.compile(r"request\.POST\b|[\"']POST[\"']|\brequire_POST\b|import_page\(")


def _walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            if ns in ("admin", "api"):
                continue
            yield from _walk(pattern.url_patterns, ns)
        elif pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern.callback


def post_routes() -> set[str]:
    return {name for name, view in _walk(get_resolver().url_patterns) if _takes_post(view)}
