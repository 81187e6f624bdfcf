"""Pages of the externs (D93 art. 1–7): the list for an academic year, the faculty's enrolment
import, and the assignment to services (the dean proposes, the director assigns, art. 5).

Views stay thin: they find things through `visible_to` (404 outside the scope, 403 when seen but
not allowed), parse the request and call `enrolment` or `externs`."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from residanat.common.actions import perform
from residanat.common.import_page import ImportFlow, import_page
from residanat.common.uploads import upload_problem
from residanat.documents.excel import XLSX_CONTENT_TYPE
from residanat.documents.http import document_response
from residanat.people.models import TraineeStatus
from residanat.referential.models import Faculty, Specialty

from . import externs as rules
from .enrolment import COLUMNS, do_import_enrolment, enrolment_template
from .forms_externs import EnrolmentImportForm, ExternBatchForm
from .models import ExternAssignmentBatch, Rotation

PAGE_SIZE = 50
IMPORT_KEY = "careers:enrolment_import"


def _must_act_for_a_faculty(user):
    if not rules.faculties_of_dean(user).exists():
        raise PermissionDenied


# --- the list of externs ---------------------------------------------------------------------------

def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _filtered(request, year):
    statuses = (TraineeStatus.objects.visible_to(request.user)
                .filter(rules.in_academic_year(year), kind=TraineeStatus.Kind.EXTERN))
    faculties = Faculty.objects.filter(pk__in=statuses.values("faculty")).order_by("name_fr")
    filters = {"faculty": _int(request.GET.get("faculty")), "track": request.GET.get("track") or "",
               "study_year": _int(request.GET.get("study_year")), "repeat": request.GET.get("repeat") == "1",
               "flagged": request.GET.get("flagged") == "1", "q": (request.GET.get("q") or "").strip()}
    if filters["faculty"]:
        statuses = statuses.filter(faculty_id=filters["faculty"])
    if filters["track"] in Specialty.TrackChoice.values:
        statuses = statuses.filter(track=filters["track"])
    if filters["study_year"]:
        statuses = statuses.filter(study_year=filters["study_year"])
    if filters["repeat"]:
        statuses = statuses.filter(is_repeat=True)
    if filters["flagged"]:
        statuses = statuses.filter(rules.flagged_filter(dt.date(year, 9, 1)))
    for word in filters["q"].split():
        statuses = statuses.filter(Q(person__last_name__icontains=word) | Q(person__first_name__icontains=word)
                                   | Q(person__last_name_ar__icontains=word) | Q(person__first_name_ar__icontains=word))
    return statuses, faculties, filters


def _day(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


def _current_services(request, statuses, on: dt.date) -> dict[int, object]:
    """Each extern's service on the day of reference (`on`, brought within the status's dates)."""
    days = {s.pk: min(max(on, s.start_date), s.end_date or on) for s in statuses}
    found = {}
    for rotation in (Rotation.objects.visible_to(request.user).filter(status__in=list(days))
                     .select_related("service__establishment").order_by("start_date")):
        if rotation.start_date <= days[rotation.status_id] <= rotation.end_date:
            found[rotation.status_id] = rotation.service
    return found


@login_required
def externs(request):
    year = _int(request.GET.get("year"), rules.academic_year_of(timezone.localdate()))
    statuses, faculties, filters = _filtered(request, year)
    statuses = statuses.select_related("person", "faculty", "hospital_centre").order_by(
        "faculty__name_fr", "track", "study_year", "person__last_name", "person__first_name")
    page = Paginator(statuses, PAGE_SIZE).get_page(request.GET.get("page"))
    day = _day(request.GET.get("on"))
    services = _current_services(request, page.object_list, day or timezone.localdate())
    on = dt.date(year, 9, 1)
    for status in page.object_list:
        status.current_service = services.get(status.pk)
        status.flagged = rules.year_class(status.track, status.study_year, on) == rules.YearClass.FLAGGED
    query = request.GET.copy()
    query.pop("page", None)
    totals = statuses.aggregate(total=Count("pk"), repeats=Count("pk", filter=Q(is_repeat=True)),
                                flagged=Count("pk", filter=rules.flagged_filter(on)))
    return render(request, "careers/externs/list.html", {
        "year": year, "next_year": year + 1, "day": day, "page": page, "filters": filters, "faculties": faculties,
        "query": query.urlencode(), "totals": totals, "tracks": Specialty.TrackChoice.choices,
        "study_years": range(1, 8), "can_import": rules.faculties_of_dean(request.user).exists(),
    })


# --- the enrolment import --------------------------------------------------------------------------

def _run_import(request, name, data, params, commit):
    faculty = get_object_or_404(rules.faculties_of_dean(request.user), pk=params["faculty"])
    return do_import_enrolment(
        faculty, data, academic_year=params["academic_year"], start_date=dt.date.fromisoformat(params["start_date"]),
        end_date=dt.date.fromisoformat(params["end_date"]), by=request.user, dry_run=not commit, file_name=name)


def _import_params(data) -> dict:
    return {"faculty": data["faculty"].pk, "academic_year": data["academic_year"],
            "start_date": data["start_date"].isoformat(), "end_date": data["end_date"].isoformat()}


@login_required
def enrolment_import(request):
    """Upload -> dry run (errors with row and column, or the counts per track and year and the
    flagged rows) -> confirm -> one atomic write of exactly the previewed file."""
    _must_act_for_a_faculty(request.user)
    flow = ImportFlow(
        key="careers:enrolment_import", template="careers/externs/import.html",
        form=lambda data, files: EnrolmentImportForm(request.user, data, files), params=_import_params,
        run=lambda name, data, params, commit: _run_import(request, name, data, params, commit),
        done=lambda result, params: f"{reverse('careers:externs')}?year={params['academic_year']}"
                                    f"&faculty={params['faculty']}",
        success=lambda result: _("%(externs)s externes enregistrés (%(created)s créés, %(updated)s modifiés, "
                                 "%(unchanged)s inchangés), %(ignored)s lignes ignorées.") % result.counts)
    return import_page(request, flow, {
        "columns": list(COLUMNS),
        "imports": rules.visible_imports(request.user).select_related("faculty", "imported_by")[:10]})


@login_required
def enrolment_template_view(request):
    _must_act_for_a_faculty(request.user)
    return document_response(enrolment_template(), "inscriptions-externes-modele.xlsx", XLSX_CONTENT_TYPE)


# --- the assignment to services (D93 art. 5) -------------------------------------------------------

def _batch(request, pk) -> ExternAssignmentBatch:
    return get_object_or_404(ExternAssignmentBatch.objects.visible_to(request.user)
                             .select_related("faculty", "hospital_centre", "proposed_by", "assigned_by"), pk=pk)


@login_required
def extern_batches(request):
    batches = (ExternAssignmentBatch.objects.visible_to(request.user).select_related("faculty", "hospital_centre")
               .annotate(n=Count("rows")))
    return render(request, "careers/externs/batches.html", {
        "page": Paginator(batches, PAGE_SIZE).get_page(request.GET.get("page")),
        "can_propose": rules.faculties_of_dean(request.user).exists(),
    })


@login_required
def extern_batch_new(request):
    _must_act_for_a_faculty(request.user)
    form = ExternBatchForm(request.user, request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if problem := upload_problem(data["file"]):
            form.add_error("file", problem)
        else:
            proposed = perform(request, rules.do_propose_extern_batch, data["faculty"], data["hospital_centre"],
                               data["label"], data["start_date"], data["end_date"], data["committee_opinion"],
                               data["file"].read(), request.user, form=form)
            result = proposed.result
            if proposed and result.ok:
                messages.success(request, _("Proposition enregistrée : %(n)s externes.") % {"n": len(result.lines)})
                return redirect("careers:extern-batch", pk=result.batch.pk)
    return render(request, "careers/externs/batch_new.html", {"form": form, "result": result})


@login_required
def extern_batch_template(request):
    _must_act_for_a_faculty(request.user)
    return document_response(rules.batch_template(), "affectation-externes-modele.xlsx", XLSX_CONTENT_TYPE)


@login_required
def extern_batch(request, pk):
    batch = _batch(request, pk)
    rows = batch.rows.select_related("status__person", "service__establishment").order_by(
        "status__person__last_name", "status__person__first_name")
    return render(request, "careers/externs/batch.html", {
        "batch": batch, "rows": rows,
        "can_assign": batch.state == ExternAssignmentBatch.State.PROPOSED and rules.may_assign(request.user, batch),
    })


@login_required
@require_POST
def extern_batch_assign(request, pk):
    batch = _batch(request, pk)
    if not rules.may_assign(request.user, batch):
        raise PermissionDenied
    perform(request, rules.do_assign_extern_batch, batch, request.user,
            success=_("Externes affectés : un stage créé par externe (D93 art. 5)."))
    return redirect("careers:extern-batch", pk=batch.pk)
