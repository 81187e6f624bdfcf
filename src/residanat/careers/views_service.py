"""The service pages of the head of service (and of those above them): who is in the service this
period, who comes next, and the rotations to validate on the four criteria of D93 art. 17."""

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

from .forms_validation import RotationCorrectionForm, RotationValidationForm
from .models import ExternAssignment, ExternAssignmentBatch, Rotation
from .rotations import (
    awaiting_evaluation,
    do_correct_rotation_evaluation,
    do_validate_rotation,
    evaluation_history,
    heads_service,
    may_correct_evaluation,
    validation_opens,
)

# The evaluations recorded in the last year stay on the service's page, to be corrected if wrong.
EVALUATED_SHOWN_DAYS = 365
from .scope import visible_service, visible_services, with_person_readable


def _present(today: dt.date) -> Q:
    return Q(start_date__lte=today, end_date__gte=today)


@login_required
def service_list(request):
    today = timezone.localdate()
    services = visible_services(request.user).select_related("establishment__hospital_centre").order_by(
        "establishment__name_fr", "name_fr")
    counts = {row["service"]: row for row in Rotation.objects.visible_to(request.user).filter(
        service__in=services).values("service").annotate(
        present=Count("pk", filter=_present(today)), to_validate=Count("pk", filter=awaiting_evaluation(today)))}
    page = Paginator(services, 50).get_page(request.GET.get("page"))
    rows = [(s, counts.get(s.pk, {}).get("present", 0), counts.get(s.pk, {}).get("to_validate", 0)) for s in page]
    return render(request, "careers/service/list.html", {"page": page, "rows": rows, "today": today})


def _externs_present(user, service, today):
    """Externs the hospital director assigned to the service (D93 art. 5): seen by whoever sees
    the batch, and by the head of the service they were assigned to."""
    assignments = ExternAssignment.objects.filter(
        service=service, batch__state=ExternAssignmentBatch.State.ASSIGNED,
        batch__start_date__lte=today, batch__end_date__gte=today)
    if not heads_service(user, service.pk):
        assignments = assignments.filter(batch__in=ExternAssignmentBatch.objects.visible_to(user))
    return with_person_readable(assignments.select_related("status__person", "batch"), user)


@login_required
def service_detail(request, pk):
    return _service_page(request, visible_service(request.user, pk))


def _service_page(request, service, *, correcting: Rotation | None = None, correction=None):
    """The service's page; after a refused correction, `correction` is its form as typed, on the
    row of `correcting`, and the page answers 400."""
    today = timezone.localdate()
    rotations = with_person_readable(Rotation.objects.visible_to(request.user).filter(service=service).select_related(
        "status__person", "validated_by"), request.user)
    can_validate = heads_service(request.user, service.pk)
    present = list(rotations.filter(_present(today)).order_by("status__kind", "status__person__last_name"))
    externs = list(_externs_present(request.user, service, today))
    to_validate = [(r, RotationValidationForm() if can_validate else None, validation_opens(r))
                   for r in rotations.filter(awaiting_evaluation(today)).order_by("end_date", "pk")]
    evaluated = []
    for rotation in rotations.exclude(outcome=Rotation.Outcome.PENDING).filter(
            validated_at__date__gte=today - dt.timedelta(days=EVALUATED_SHOWN_DAYS)).select_related(
            "service__establishment").order_by("-validated_at", "pk"):
        rotation.earlier = evaluation_history(rotation)
        if correcting is not None and rotation.pk == correcting.pk:
            rotation.correction = correction
        elif may_correct_evaluation(request.user, rotation):
            rotation.correction = RotationCorrectionForm.of(rotation)
        evaluated.append(rotation)
    return render(request, "careers/service/detail.html", {
        "service": service, "evaluated": evaluated,
        "today": today,
        "present": present,
        "externs": externs,
        "present_count": len(present) + len(externs),
        "coming": rotations.filter(start_date__gt=today).order_by("start_date", "status__person__last_name"),
        "to_validate": to_validate,
        "can_validate": can_validate,
    }, status=400 if correction is not None else 200)


@login_required
@require_POST
def validate_rotation(request, pk):
    rotation = get_object_or_404(with_person_readable(
        Rotation.objects.visible_to(request.user).select_related("status__person", "service"), request.user), pk=pk)
    if not heads_service(request.user, rotation.service_id):
        raise PermissionDenied
    form = RotationValidationForm(request.POST, auto_id=f"r{rotation.pk}_%s")
    if form.is_valid():
        validated = perform(request, do_validate_rotation, rotation, by=request.user,
                            comment=form.cleaned_data["comment"], form=form, **form.criteria())
        if validated:
            validated.result.person_readable = rotation.person_readable
            rotation = validated.result
    error = " ".join(" ".join(errors) for errors in form.errors.values())
    if request.htmx:
        return render(request, "careers/service/_validation_row.html", {
            "rotation": rotation, "form": form if error else None, "error": error, "can_validate": True,
            "opens": validation_opens(rotation)})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, rotation.get_outcome_display())
    return redirect("careers:service", rotation.service_id)


@login_required
@require_POST
def correct_evaluation(request, pk):
    """Its author or the office corrects a recorded evaluation, with a reason kept in history."""
    rotation = get_object_or_404(with_person_readable(Rotation.objects.visible_to(request.user).select_related(
        "status__person", "service__establishment"), request.user), pk=pk)
    if not may_correct_evaluation(request.user, rotation):
        raise PermissionDenied
    form = RotationCorrectionForm.of(rotation, request.POST)
    if form.is_valid() and perform(request, do_correct_rotation_evaluation, rotation, by=request.user,
                                   comment=form.cleaned_data["comment"], reason=form.cleaned_data["reason"],
                                   form=form, success=_("Évaluation corrigée ; la précédente reste dans l'historique."),
                                   **form.criteria()):
        return redirect(f"{reverse('careers:service', args=[rotation.service_id])}#evaluated")
    return _service_page(request, visible_service(request.user, rotation.service_id), correcting=rotation,
                         correction=form)
