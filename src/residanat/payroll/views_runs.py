"""Pages of the monthly payroll runs: the runs in scope and opening a month, one run (its audit
trail, totals and the actions the user may take), its lines and its differences with the month
before (decision 0014).

Views stay thin: only the roles that read the payroll get here (403 for the others); a run is
found in the user's scope (`visible_to`: 404 outside it); the actions call `runs.*` (403 to whoever
sees the run but may not act; a refusal of the service is shown and changes nothing)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from residanat.documents.excel import workbook_response
from residanat.people.models import Person
from residanat.common.actions import perform
from residanat.common.feedback import report_form_errors

from . import authority, exports, links, runs
from .differences import REASON_CODES, Differences, differences, explain, previous_run
from .forms_runs import LineFilterForm, OpenRunForm, RunFilterForm, operated_payers
from .models import Payer, PayLine, PayrollRun
from .totals import code_label, run_totals

State = PayrollRun.State
RUN_PAGE_SIZE = 25
LINE_PAGE_SIZE = 100
DIFFERENCE_PAGE_SIZE = 50
# The outputs of a run (another module's pages): linked when their URLs exist.
OUTPUTS = [
    ("payroll:run-transfer", gettext_lazy("Fichier des virements (CSV)")),
    ("payroll:run-summary", gettext_lazy("Récapitulatif de la paie (PDF)")),
]


# --- finding the run ---------------------------------------------------------------------------

def _reader(request) -> None:
    if not authority.reads_payroll(request.user):
        raise PermissionDenied


def _run(request, pk) -> PayrollRun:
    _reader(request)
    return get_object_or_404(PayrollRun.objects.visible_to(request.user).select_related(
        "hospital_centre", "health_group", "opened_by", "computed_by", "approved_by", "closed_by"), pk=pk)


def _back(run):
    return redirect("payroll:run-detail", pk=run.pk)


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _language() -> str:
    return "ar" if (get_language() or "fr").startswith("ar") else "fr"


# --- the list and opening a month --------------------------------------------------------------

def _visible_payers(runs_qs) -> list[tuple[str, str]]:
    """The payers of the runs the user sees, for the filter (1 query)."""
    arabic = _language() == "ar"
    found = []
    for key, centre_fr, centre_ar, group_fr, group_ar in runs_qs.order_by("payer_key").values_list(
            "payer_key", "hospital_centre__name_fr", "hospital_centre__name_ar", "health_group__name_fr",
            "health_group__name_ar").distinct():
        if centre_fr:
            label = centre_ar if arabic and centre_ar else centre_fr
        elif group_fr:
            label = group_ar if arabic and group_ar else group_fr
        else:
            label = str(Payer.MSPS.label)
        found.append((key, label))
    return found


@login_required
def index(request):
    _reader(request)
    visible = PayrollRun.objects.visible_to(request.user)
    form = RunFilterForm(request.GET, payers=_visible_payers(visible))
    form.is_valid()
    filters = {k: v for k, v in getattr(form, "cleaned_data", {}).items() if v}
    shown = visible.select_related("hospital_centre", "health_group")
    if filters.get("payer"):
        shown = shown.filter(payer_key=filters["payer"])
    if filters.get("state"):
        shown = shown.filter(state=filters["state"])
    page = Paginator(shown.order_by("-month", "payer_key"), RUN_PAGE_SIZE).get_page(request.GET.get("page"))
    language = _language()
    for run in page.object_list:
        run.name = run.payer_name(language)
    payers = operated_payers(request.user)
    context = {"page": page, "filter_form": form, "query": _query(request),
               "open_form": OpenRunForm(payers=payers) if payers else None}
    template = "payroll/runs/_list.html" if request.htmx else "payroll/runs/index.html"
    return render(request, template, context)


@login_required
@require_POST
def run_open(request):
    _reader(request)
    payers = operated_payers(request.user)
    if not payers:
        raise PermissionDenied
    form = OpenRunForm(request.POST, payers=payers)
    if not form.is_valid():
        report_form_errors(request, form)
        return redirect("payroll:index")
    try:
        opened = perform(request, runs.do_open_run, request.user, form.cleaned_data["month"], **form.unit(),
                         success=lambda run: _("Paie de %(month)s ouverte : calculez-la.")
                         % {"month": f"{run.month:%m/%Y}"})
    except IntegrityError:
        # Two officers opening the same month at once: the database keeps one (its constraints).
        messages.error(request, _("Cette paie vient d'être ouverte par une autre personne."))
        return redirect("payroll:index")
    return _back(opened.result) if opened else redirect("payroll:index")


# --- one run -----------------------------------------------------------------------------------

def _signatures(run) -> list[dict]:
    return [
        {"what": _("Ouverte"), "by": run.opened_by, "at": run.opened_at},
        {"what": _("Calculée"), "by": run.computed_by, "at": run.computed_at},
        {"what": _("Approuvée (seconde signature)"), "by": run.approved_by, "at": run.approved_at},
        {"what": _("Clôturée"), "by": run.closed_by, "at": run.closed_at},
    ]


def _actions(user, run, stale: list[str]) -> dict:
    """The buttons the user may use, and why a missing one is missing."""
    operates = authority.operates(user, run.payer, run.hospital_centre_id)
    approves = authority.approves(user, run)
    can = {"compute": operates and run.state != State.CLOSED, "approve": False, "close": False}
    why = {}
    if run.state == State.COMPUTED:
        if not approves:
            why["approve"] = _("Vous ne pouvez pas approuver la paie de ce payeur.")
        elif run.computed_by_id == user.pk:
            why["approve"] = _("Vous avez calculé cette paie : une autre personne doit l'approuver (quatre yeux).")
        elif stale:
            why["approve"] = _("Des changements ont été enregistrés depuis le calcul : recalculez la paie.")
        else:
            can["approve"] = True
    elif run.state == State.OPEN:
        why["approve"] = _("La paie doit être calculée avant d'être approuvée.")
    if run.state == State.APPROVED:
        if not operates:
            why["close"] = _("La clôture revient au gestionnaire de la paie de ce payeur.")
        elif stale:
            why["close"] = _("Des changements ont été enregistrés depuis le calcul : recalculez la paie.")
        else:
            can["close"] = True
    return {"can": can, "why": why}


def _output_links(run) -> list[dict]:
    links = []
    for name, label in OUTPUTS:
        try:
            links.append({"url": reverse(name, args=[run.pk]), "label": label})
        except NoReverseMatch:
            continue
    return links


def _problems(run, user) -> list[dict]:
    """The months the run could not price (decision 0001), with the person's name (1 query)."""
    if not run.problems:
        return []
    people = Person.objects.in_bulk({p["person"] for p in run.problems})
    files = links.readable_files(user, [p["status"] for p in run.problems if p.get("status")])
    return [{**p, "who": people.get(p["person"]), "adjustment": p.get("kind") == PayLine.Kind.ADJUSTMENT,
             "file": p.get("status") if p.get("status") in files else None}
            for p in sorted(run.problems, key=lambda p: (p["month"], p["person"]))]


@login_required
def run_detail(request, pk):
    run = _run(request, pk)
    stale = runs.stale_reasons(run) if run.state in (State.COMPUTED, State.APPROVED) else []
    history = list(run.history.select_related("history_user").order_by("history_date", "history_id")[:50])
    return render(request, "payroll/runs/detail.html", {
        "run": run, "name": run.payer_name(_language()), "stale": stale, "signatures": _signatures(run),
        "history": history, "totals": run_totals(run) if run.state != State.OPEN else None,
        "outputs": _output_links(run), "problems": _problems(run, request.user), **_actions(request.user, run, stale),
        "computing": runs.computing(run),
    })


def _act(request, pk, allowed, action, done):
    run = _run(request, pk)
    if not allowed(request.user, run):
        raise PermissionDenied
    perform(request, action, run, request.user, success=done)
    return _back(run)


def _operates(user, run) -> bool:
    return authority.operates(user, run.payer, run.hospital_centre_id)


@login_required
@require_POST
def run_compute(request, pk):
    """Queues the computation and sends to its job page, which polls and links back to the run."""
    run = _run(request, pk)
    if not _operates(request.user, run):
        raise PermissionDenied
    started = perform(request, runs.do_start_compute, run, request.user)
    return redirect("ops:job", pk=started.result.pk) if started else _back(run)


@login_required
@require_POST
def run_approve(request, pk):
    return _act(request, pk, authority.approves, runs.do_approve_run, lambda run: _("Paie approuvée."))


@login_required
@require_POST
def run_close(request, pk):
    return _act(request, pk, _operates, runs.do_close_run,
                lambda run: _("Paie clôturée : elle ne changera plus."))


# --- the lines ---------------------------------------------------------------------------------

def _establishments(run) -> list[tuple[int, str]]:
    arabic = _language() == "ar"
    rows = (PayLine.objects.filter(run=run, establishment__isnull=False)
            .values_list("establishment_id", "establishment__name_fr", "establishment__name_ar")
            .distinct().order_by("establishment__name_fr", "establishment_id"))
    return [(pk, name_ar if arabic and name_ar else name_fr) for pk, name_fr, name_ar in rows]


def _search(request, lines, q: str):
    """Each word in a name (French or Arabic) or in a CIN the user may read (people/queries.py:
    law 09-08, the CIN goes only to the units that keep the file)."""
    readable = Person.objects.visible_to(request.user, "change").values("pk")
    for word in q.split():
        lines = lines.filter(Q(person__last_name__icontains=word) | Q(person__first_name__icontains=word)
                             | Q(person__last_name_ar__icontains=word) | Q(person__first_name_ar__icontains=word)
                             | Q(person__national_id__icontains=word, person_id__in=readable))
    return lines


def _lines(request, run):
    """The run's lines the user sees, filtered as the lines page's form says (the page and its
    Excel export list the same lines), and the form."""
    form = LineFilterForm(request.GET, establishments=_establishments(run))
    filters = form.filters()
    lines = PayLine.objects.visible_to(request.user).filter(run=run)
    if filters.get("kind"):
        lines = lines.filter(kind=filters["kind"])
    if filters.get("status_kind"):
        lines = lines.filter(status_kind=filters["status_kind"])
    if filters.get("establishment"):
        lines = lines.filter(establishment_id=filters["establishment"])
    if filters.get("q"):
        lines = _search(request, lines, filters["q"])
    # 30,000 lines: the database pages them; only the person is joined (shown on each line).
    lines = lines.select_related("person").order_by("person__last_name", "person__first_name", "person_id", "kind",
                                                    "month_corrected", "code", "pk")
    return lines, form


@login_required
def run_lines(request, pk):
    run = _run(request, pk)
    lines, form = _lines(request, run)
    page = Paginator(lines, LINE_PAGE_SIZE).get_page(request.GET.get("page"))
    files = links.readable_files(request.user, [line.status_id for line in page.object_list])
    for line in page.object_list:
        line.label = code_label(line.code)
        line.file = line.status_id if line.status_id in files else None
    context = {"run": run, "name": run.payer_name(_language()), "page": page, "form": form,
               "query": _query(request)}
    template = "payroll/runs/_lines.html" if request.htmx else "payroll/runs/lines.html"
    return render(request, template, context)


# --- the differences with the month before -----------------------------------------------------

@login_required
def run_differences(request, pk):
    run = _run(request, pk)
    reason = request.GET.get("reason") if request.GET.get("reason") in REASON_CODES else ""
    # The reasons of the rows shown only, unless the list is filtered by reason (30,000 trainees
    # after a rate order: each one's lines are read then).
    if run.state == State.OPEN:  # no lines yet: nothing to compare
        result = Differences(run, previous_run(run))
    else:
        result = differences(run, explain_all=bool(reason))
    rows = [r for r in result.rows if reason in r.codes] if reason else result.rows
    page = Paginator(rows, DIFFERENCE_PAGE_SIZE).get_page(request.GET.get("page"))
    explain(result, [row for row in page.object_list if not row.explained])
    people = Person.objects.visible_to(request.user).in_bulk([r.person_id for r in page.object_list])
    files = links.files_of(request.user, [run, result.previous], [r.person_id for r in page.object_list])
    for row in page.object_list:
        row.person = people.get(row.person_id)
        row.file = files.get(row.person_id)
    return render(request, "payroll/runs/differences.html", {
        "run": run, "name": run.payer_name(_language()), "result": result, "summary": result.summary(),
        "page": page, "reason": reason, "reasons": _reason_choices(), "query": _query(request),
        "previous_name": result.previous.payer_name(_language()) if result.previous else "",
    })


def _reason_choices() -> list[tuple[str, str]]:
    return [
        ("started", _("entrée dans la paie")), ("paid_again", _("de nouveau payé")),
        ("ended", _("sortie de la paie")), ("not_paid", _("non payé ce mois")),
        ("days", _("jours payés modifiés")), ("rate", _("montant mensuel modifié")),
        ("line_added", _("rubrique apparue")), ("line_removed", _("rubrique disparue")),
        ("adjustment", _("régularisation")), ("previous_adjustment", _("régularisation le mois précédent")),
    ]


# --- the Excel exports (same readers and scope as the pages) ------------------------------------

@login_required
def run_lines_export(request, pk):
    """The lines of the run, filtered as on the lines page, in one workbook."""
    run = _run(request, pk)
    lines, _form = _lines(request, run)
    return workbook_response(exports.filename(run, "lignes"), exports.lines_sheets(run, lines, _language()))


@login_required
def run_differences_export(request, pk):
    """Every trainee whose total changed since the month before, with the worded reasons."""
    run = _run(request, pk)
    return workbook_response(exports.filename(run, "ecarts"),
                             exports.differences_sheets(run, request.user, _language()))
