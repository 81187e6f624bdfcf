"""The office's view of the live provisional assignment (issue 23 item 1): when it was computed,
how many are placed, and per post its fill and cutoff, as the laureates see them on their pages.
Recomputed by the worker after every saved list (provisional.py); this page only reads it."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from . import provisional
from .models import Post, Quota
from .views_session import _office_session

PAGE_SIZE = 50


@login_required
def provisional_detail(request, slug):
    session = _office_session(request, slug)
    live = provisional.current(session)
    query = request.GET.get("q", "").strip()
    posts = Post.objects.filter(session=session).select_related("specialty", "quota").order_by(
        "seat_type", "group", "specialty__name_fr", "code")
    if query:
        posts = posts.filter(Q(code__icontains=query) | Q(specialty__name_fr__icontains=query)
                             | Q(specialty__name_ar__icontains=query))
    page = Paginator(posts, PAGE_SIZE).get_page(request.GET.get("page"))
    cutoffs, filled = (live.cutoffs, live.filled) if live else ({}, {})
    for post in page:
        post.live_filled = filled.get(post.code, 0)
        post.live_cutoff = cutoffs.get(post.code)
    quotas = []
    if live:
        for quota in Quota.objects.filter(session=session):
            quotas.append({"quota": quota, "filled": sum(filled.get(code, 0) for code in
                                                         quota.posts.values_list("code", flat=True))})
    return render(request, "choice/session/provisional.html", {
        "session": session, "competition": session.competition, "live": live, "page": page, "q": query,
        "query": urlencode({"q": query}) if query else "", "quotas": quotas,
        "pending": provisional.is_pending(live),
    })
