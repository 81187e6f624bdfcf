"""Record pages of a trainee's career: leave (and the second approval of a resident's leave),
residency years, degrees, rural missions, appointments as resident or 7th-year student with
intern duties, and the doctorate alerts. Thin: find the row in the user's scope (404 outside),
refuse the page to whoever may not act (403), parse, call the service, show its refusal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from residanat.accounts.authority import is_ministry
from residanat.common.actions import perform
from residanat.people.models import Person, TraineeStatus
from residanat.rules.parameters import param

from . import forms_records as forms
from .appointments import do_appoint_resident, do_appoint_seventh_year, may_appoint_residents
from .appointments import seventh_year_in_force
from .degrees import do_record_degree, may_record_degree
from .leave import awaiting_approval, do_approve_leave, do_record_leave, may_approve, recordable_kinds
from .missions import KEY as MISSION_KEY
from .missions import do_record_rural_mission, may_record_mission, mission_days, mission_ref
from .models import Leave, ResidencyYear
from .residency import (awaits_diploma, decision_opens, do_decide_residency_year, doctorate_alerts, may_decide,
                        year_in_progress, years_required)


def timeline_url(person_pk: int) -> str:
    return reverse("careers:person-timeline", args=[person_pk])


def _status(request, pk) -> TraineeStatus:
    return get_object_or_404(TraineeStatus.objects.visible_to(request.user)
                             .select_related("person", "faculty", "hospital_centre", "establishment", "service",
                                             "specialty"), pk=pk)


def _person(request, pk) -> Person:
    return get_object_or_404(Person.objects.visible_to(request.user), pk=pk)


def _submit(request, form, action, success):
    """Run `action(cleaned_data)` on a valid POST: on success flash `success` and go to the
    timeline; a refusal stays on the page with its reason."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        done = perform(request, action, form.cleaned_data, success=success, form=form)
    except PermissionDenied as error:
        # Here a permission the form could not foresee is a refusal too, said on the page.
        form.add_error(None, str(error) or _("Action refusée."))
        return None
    return done.result if done else None


def _page(request, template, context):
    return render(request, f"careers/records/{template}", context)


# --- leave ---------------------------------------------------------------------------------------

@login_required
def leave_new(request, pk):
    status = _status(request, pk)
    kinds = recordable_kinds(request.user, status)
    if not kinds:
        raise PermissionDenied
    form = forms.LeaveForm(request.POST or None, kinds=kinds)
    done = _submit(request, form, lambda d: do_record_leave(status, d["kind"], d["start"], d["end"], d["reference"],
                                                             request.user),
                   lambda leave: _("Congé enregistré ; il attend l'approbation de l'autre autorité (D93 art. 28).")
                   if not leave.in_force else _("Congé enregistré."))
    if done:
        return redirect(timeline_url(status.person_id))
    leaves = Leave.objects.visible_to(request.user).filter(status=status).order_by("start_date")
    return _page(request, "leave_form.html", {"status": status, "form": form, "leaves": leaves,
                                              "timeline": timeline_url(status.person_id)})


@login_required
@require_POST
def leave_approve(request, pk):
    leave = get_object_or_404(Leave.objects.visible_to(request.user).select_related("status"), pk=pk)
    perform(request, do_approve_leave, leave, request.user, success=_("Congé approuvé : il est en vigueur."))
    return redirect("careers:leaves-to-approve")


@login_required
def leaves_to_approve(request):
    leaves = list(awaiting_approval(request.user))
    for leave in leaves:
        leave.can_approve = may_approve(request.user, leave)
        leave.timeline = timeline_url(leave.status.person_id)
    return _page(request, "leaves_to_approve.html", {"leaves": leaves})


# --- residency years and degrees -----------------------------------------------------------------

@login_required
def residency_year_new(request, pk):
    status = _status(request, pk)
    if status.kind != TraineeStatus.Kind.RESIDENT:
        raise PermissionDenied
    if not may_decide(request.user, status):
        raise PermissionDenied
    form = forms.ResidencyYearForm(request.POST or None)
    done = _submit(request, form, lambda d: do_decide_residency_year(status, d["outcome"], d["reference"],
                                                                     request.user),
                   lambda year: _("Année %(n)s : %(outcome)s.") % {"n": year.number,
                                                                  "outcome": year.get_outcome_display()})
    if done:
        if awaits_diploma(status):
            messages.info(request, _("Toutes les années sont validées : le résident attend le diplôme de spécialité "
                                     "(D93 art. 23)."))
        return redirect(timeline_url(status.person_id))
    year = year_in_progress(status)
    years = status.residency_years.order_by("start_date")
    return _page(request, "residency_year_form.html", {
        "status": status, "form": form, "year": year, "years": years, "required": years_required(status),
        "opens": decision_opens(year) if year else None, "today": timezone.localdate(),
        "repeats": years.filter(outcome=ResidencyYear.Outcome.REPEAT).count(),
        "repeats_max": int(param("residency.repeats_max", on=status.start_date)),
        "timeline": timeline_url(status.person_id)})


@login_required
def degree_new(request, pk):
    person = _person(request, pk)
    if not may_record_degree(request.user, person):
        raise PermissionDenied
    form = forms.DegreeForm(request.POST or None)
    done = _submit(request, form, lambda d: do_record_degree(person, d["kind"], d["specialty"], d["awarded_on"],
                                                             d["reference"], request.user),
                   _("Diplôme enregistré."))
    if done:
        return redirect(timeline_url(person.pk))
    return _page(request, "degree_form.html", {"person": person, "form": form, "degrees": person.degrees.all(),
                                               "timeline": timeline_url(person.pk)})


# --- rural missions ------------------------------------------------------------------------------

@login_required
def mission_new(request, pk):
    status = _status(request, pk)
    if not may_record_mission(request.user):
        raise PermissionDenied
    form = forms.MissionForm(request.POST or None)
    done = _submit(request, form, lambda d: do_record_rural_mission(
        status, d["establishment"], d["start"], d["end"], d["forces_move"], d["reference"], request.user),
        _("Mission enregistrée."))
    if done:
        return redirect(timeline_url(status.person_id))
    missions = status.rural_missions.select_related("establishment").order_by("start_date")
    today = timezone.localdate()
    return _page(request, "mission_form.html", {
        "status": status, "form": form, "missions": missions, "days": mission_days(missions),
        "max_months": int(param(MISSION_KEY, on=today)), "ref": mission_ref(today),
        "timeline": timeline_url(status.person_id)})


# --- appointments --------------------------------------------------------------------------------

@login_required
def resident_new(request, pk):
    person = _person(request, pk)
    if not may_appoint_residents(request.user):
        raise PermissionDenied
    latest = person.statuses.order_by("-start_date").first()
    initial = {"faculty": latest.faculty_id, "hospital_centre": latest.hospital_centre_id} if latest else {}
    form = forms.ResidentForm(request.POST or None, initial=initial)
    done = _submit(request, form, lambda d: do_appoint_resident(
        person, d["specialty"], d["faculty"], d["hospital_centre"], d["start"], d["entry_route"], d["decision_ref"],
        request.user), _("Résident nommé."))
    if done:
        return redirect(timeline_url(person.pk))
    return _page(request, "resident_form.html", {"person": person, "form": form, "timeline": timeline_url(person.pk)})


@login_required
def seventh_year_new(request, pk):
    person = _person(request, pk)
    if not is_ministry(request.user):
        raise PermissionDenied
    form = forms.SeventhYearForm(request.POST or None)
    done = _submit(request, form, lambda d: do_appoint_seventh_year(
        person, d["establishment"], d["start"], d["end"], d["decision_ref"], request.user),
        _("Fonctions d'interne confiées."))
    if done:
        return redirect(timeline_url(person.pk))
    in_force, ref = seventh_year_in_force()
    return _page(request, "seventh_year_form.html", {"person": person, "form": form, "in_force": in_force,
                                                     "ref": ref, "timeline": timeline_url(person.pk)})


# --- alerts --------------------------------------------------------------------------------------

@login_required
def doctorate_alert_list(request):
    alerts = doctorate_alerts(request.user, timezone.localdate())
    for alert in alerts:
        alert.timeline = timeline_url(alert.status.person_id)
    return _page(request, "doctorate_alerts.html", {"alerts": alerts})

