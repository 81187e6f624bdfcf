"""Pages of the outcome of a choice of posts: the assignment list and the per-post table, their
documents (the published PDF list, Excel, each laureate's notice) and the log with its check.

The staff of the competition's scope (editors and viewers) see every laureate; a laureate sees
the session for their own place only (their row, their notice). Documents exist once the
session is closed: before, the page shows the provisional state and no document is issued."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from residanat.common.actions import perform
from residanat.concours.scope import can_change_competition
from residanat.documents import kinds
from residanat.documents.export_jobs import export_response
from residanat.documents.http import document_language, issued_pdf_response
from residanat.formats import moment_text
from residanat.ops import jobs

from . import documents, log
from .models import Chooser, LogEntry
from .results import compute, own_choice, sees_every_laureate
from .scope import visible_session

LOG_PAGE_SIZE = 200


def _staff_session(request, slug):
    """The session, for the staff who see every laureate (403 for a laureate, who sees the session
    only for their own place; 404 outside the scope)."""
    session = visible_session(request, slug)
    if not sees_every_laureate(request.user, session):
        raise PermissionDenied
    return session


@login_required
def results(request, slug):
    session = visible_session(request, slug)
    staff = sees_every_laureate(request.user, session)
    outcome = compute(session, request.user)
    mine = None
    if not staff:
        chooser = (Chooser.objects.visible_to(request.user)
                   .filter(session=session, candidate__person__user=request.user).first())
        if chooser is not None:
            mine = {"chooser": chooser, "choice": own_choice(chooser)}
    q = (request.GET.get("q") or "").strip()
    rows = outcome.rows
    if q:
        needle = q.casefold()
        rows = [r for r in rows if needle in r.number.casefold() or needle in r.name_fr.casefold() or q in r.name_ar]
    return render(request, "choice/results/results.html", {
        "session": session, "competition": session.competition, "results": outcome, "rows": rows, "q": q,
        "staff": staff, "can_change": can_change_competition(request.user, session.competition), "mine": mine,
    })


@login_required
def results_pdf(request, slug):
    """POST publishes the final list in `lang` (or gives back the one already published): a
    numbered PDF printing the head of the log, the publication itself appended to the log. A long
    list is published in the background: the page polls here (GET) and opens it when ready."""
    session = _staff_session(request, slug)
    if session.state != session.State.CLOSED:
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    language = document_language(request, data)
    document = documents.published(session, language)
    if document is None and request.method == "POST":
        # Publishing appends to the session's log: the office running the choice does it (decision
        # 0011); the other staff of the scope read the list once it is published.
        if not can_change_competition(request.user, session.competition):
            raise PermissionDenied
        if Chooser.objects.filter(session=session).count() <= documents.SYNC_ROWS:
            try:
                issued = perform(request, documents.do_publish_results, session, language, request.user)
            except documents.NotReady:
                raise Http404 from None
            if not issued:
                return redirect("choice:results", slug=slug)
            document = issued.result
        else:
            documents.do_start_publication(session, language, request.user)
    if document is not None:
        if request.htmx:
            # Ready while the page polled: let the browser fetch the file itself.
            response = HttpResponse()
            response["HX-Redirect"] = f"{reverse('choice:results-pdf', args=[slug])}?lang={language}"
            return response
        return issued_pdf_response(document, inline=True)
    failure = documents.publication_failure(session, language)
    if not failure and not documents.is_publishing(session, language):
        raise Http404
    job = documents.publication_job(session, language)
    context = {"session": session, "competition": session.competition, "language": language, "failure": failure,
               "job": job if job is not None and jobs.can_read(job, request.user) else None,
               "rows": Chooser.objects.filter(session=session).count(),
               "poll_url": f"{reverse('choice:results-pdf', args=[slug])}?lang={language}"}
    if request.htmx:
        return render(request, "choice/results/preparing_poll.html", context)
    return render(request, "choice/results/preparing.html", context, status=202)


@login_required
def results_xlsx(request, slug):
    session = _staff_session(request, slug)
    if session.state != session.State.CLOSED:
        raise Http404
    language = document_language(request)
    return export_response(request, documents.RESULTS_EXPORT, session.pk, language=language,
                           rows=Chooser.objects.filter(session=session).count(), build=documents.results_workbook)


@login_required
def notice(request, slug, number):
    """A laureate's assignment notice: for the laureate themself and the office running the choice;
    404 for another laureate and while there is no choice in force in a closed session."""
    session = visible_session(request, slug)
    chooser = (Chooser.objects.visible_to(request.user).filter(session=session, candidate__number=number)
               .select_related("session__competition__faculty", "session__competition__hospital_centre",
                               "candidate__person").first())
    if chooser is None:
        raise Http404
    # The laureate and the office running the choice: the notice's readers (kinds.readers), the
    # register's rule too.
    if not kinds.readers(documents.ASSIGNMENT_NOTICE).rows(request.user).filter(pk=chooser.candidate_id).exists():
        raise PermissionDenied
    try:
        document = documents.issue_notice(chooser, document_language(request), request.user)
    except documents.NotReady:
        raise Http404 from None
    return issued_pdf_response(document, inline=True)


# --- the log -------------------------------------------------------------------------------------

KIND_LABELS = {
    "session_created": gettext_lazy("création du choix"),
    "wishes_opened": gettext_lazy("ouverture des vœux"),
    "live_started": gettext_lazy("début de la séance"),
    "choice": gettext_lazy("choix"),
    "absent": gettext_lazy("absent à l'appel"),
    "undo": gettext_lazy("annulation"),
    "simulation_round": gettext_lazy("tour de simulation"),
    "final_round": gettext_lazy("tour définitif"),
    "session_closed": gettext_lazy("clôture"),
    "publication": gettext_lazy("publication"),
}


def _method_label(method: str) -> str:
    from .models import Choice

    return str(dict(Choice.Method.choices).get(method, method))


def summary(entry: LogEntry) -> str:
    """One line a reader can follow; the full payload is one click away."""
    p = entry.payload if isinstance(entry.payload, dict) else {}
    kind = entry.kind
    if kind == "session_created":
        return _("%(posts)s postes, %(laureates)s lauréats, liste de mérite version %(v)s") % {
            "posts": len(p.get("posts", {})), "laureates": len(p.get("order", [])), "v": p.get("merit_list_version")}
    if kind == "wishes_opened":
        deadline = p.get("deadline", "")
        try:
            deadline = moment_text(dt.datetime.fromisoformat(deadline))
        except (TypeError, ValueError):
            pass  # shown as written
        return _("date limite : %(deadline)s") % {"deadline": deadline}
    if kind == "live_started":
        return p.get("place") or "—"
    if kind in ("choice", "undo"):
        line = f"{p.get('order')}. {p.get('candidate')} → {p.get('post')} ({_method_label(p.get('method', ''))})"
        if p.get("proxy"):
            line += " — " + _("mandataire : %(name)s") % {"name": p["proxy"]}
        if kind == "undo":
            line += " — " + _("motif : %(reason)s") % {"reason": p.get("reason", "")}
        return line
    if kind == "absent":
        return f"{p.get('order')}. {p.get('candidate')}"
    if kind in ("simulation_round", "final_round"):
        assignments = p.get("assignments", {})
        return _("tour %(n)s : %(assigned)s affectés sur %(total)s") % {
            "n": p.get("round"), "assigned": sum(1 for v in assignments.values() if v), "total": len(assignments)}
    if kind == "session_closed":
        absent = p.get("absent") or []
        line = _("%(n)s absents") % {"n": len(absent)} if absent else _("aucun absent")
        return f"{line} — {p['note']}" if p.get("note") else line
    if kind == "publication":
        return _("document %(number)s (%(language)s), empreinte imprimée %(head)s…") % {
            "number": p.get("document"), "language": p.get("language"), "head": str(p.get("head", ""))[:12]}
    text = json.dumps(p, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 120 else text[:119] + "…"


@login_required
def log_page(request, slug):
    session = _staff_session(request, slug)
    check = log.verify(session)
    entries = LogEntry.objects.visible_to(request.user).filter(session=session).order_by("seq")
    page = Paginator(entries, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"entry": e, "label": KIND_LABELS.get(e.kind, e.kind), "summary": summary(e),
             "broken": check.broken_seq is not None and e.seq == check.broken_seq,
             "payload": json.dumps(e.payload, ensure_ascii=False, sort_keys=True, indent=1)}
            for e in page.object_list]
    return render(request, "choice/results/log.html", {
        "session": session, "competition": session.competition, "check": check, "page": page, "rows": rows,
        "broken_page": (check.broken_seq - 1) // LOG_PAGE_SIZE + 1 if check.broken_seq else None,
    })
