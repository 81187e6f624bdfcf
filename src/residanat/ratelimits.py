"""Limits per client address on the public endpoints (issue 20 item 4, decision 0022).

django-ratelimit counts the attempts in the shared cache (the table of `residanat.cache`, or
Redis with CACHE_URL), so every server process counts into the same window; the rates are
settings (`RESIDANAT_*_RATE`, from the environment). Past the limit the answer is a 429 page in the page's language, or JSON under the
API, with Retry-After. The client address is read in one place, `client_address`, also used by
the login lockout (django-axes).
"""

from __future__ import annotations

import ipaddress
from functools import wraps

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

API_PREFIX = "/api/"


def client_address(request) -> str:
    """REMOTE_ADDR, unless the settings say a reverse proxy stands in front (BEHIND_PROXY): then
    the last address of X-Forwarded-For, the one the proxy appended. The entries before it are
    whatever the client sent, so they are never believed."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not settings.BEHIND_PROXY:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(forwarded))
    except ValueError:
        return remote


def too_many_requests(request, retry_after: int):
    """The answer past a limit: JSON under the API, else the page, both with Retry-After."""
    minutes = max(1, -(-retry_after // 60))
    if request.path.startswith(API_PREFIX):
        response = JsonResponse({"detail": _("Trop de demandes depuis votre adresse : réessayez dans "
                                             "%(minutes)s min.") % {"minutes": minutes}}, status=429)
    else:
        response = render(request, "429.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def limit_per_address(group: str, rate_setting: str, counts):
    """Decorate a view: each request for which `counts(request)` is true is one attempt of the
    client address in `group`; past the rate of `settings.<rate_setting>` the view is not run."""

    def decorator(view):
        @wraps(view)
        def limited(request, *args, **kwargs):
            if counts(request):
                usage = get_usage(request, group=group, key="ip", rate=getattr(settings, rate_setting),
                                  increment=True)
                if usage is not None and usage["should_limit"]:
                    return too_many_requests(request, max(usage["time_left"], 1))
            return view(request, *args, **kwargs)

        return limited

    return decorator
