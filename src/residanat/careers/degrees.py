"""Degrees and what they end: the doctorate ends the public-health internat (RD68 ch. 13) and the
7th-year intern duties; the specialty diploma closes a residency whose years are all validated
(D93 art. 23)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from residanat.accounts.authority import is_dean_of, is_ministry
from residanat.people.models import Person, TraineeStatus
from residanat.people.services import do_end_status
from residanat.rules.parameters import param

from .appointments import running
from .dates import career_dates
from .models import Degree
from .residency import REF as RESIDENCY_REF
from .residency import year_in_progress

Kind = TraineeStatus.Kind
# RD68 ch. 13: a doctor of medicine cannot be an intern. The 7th-year students have the interns'
# regime (ch. 15) and hold their duties as students who have not defended yet: the doctorate ends
# those duties as well.
ENDED_BY_DOCTORATE = (Kind.PUBLIC_HEALTH_INTERN, Kind.SEVENTH_YEAR)


def may_record_degree(user, person: Person, kind: str | None = None, specialty=None) -> bool:
    """The Ministry, or the dean's office of a faculty where the person trains (for a specialty
    diploma: the faculty of the residency in that specialty)."""
    if is_ministry(user):
        return True
    statuses = person.statuses.all()
    if kind == Degree.Kind.SPECIALTY_DIPLOMA:
        statuses = statuses.filter(kind=Kind.RESIDENT, specialty=specialty)
    return any(is_dean_of(user, s.faculty_id) for s in statuses)


def _thesis_refusal(person: Person, awarded_on: dt.date) -> str | None:
    """D93 art. 15: "لا يسمح للداخليين بمناقشة أطروحاتهم الا بعد انتهاء الثمانية عشر شهرا الأولى من
    عملهم بالقسم الداخلي" (twelve months in dental medicine and pharmacy). A person who is a D93
    intern on the day of the doctorate cannot have defended before the date the timeline computes
    (`thesis_eligible`: months of actual service, moved by a long sick leave)."""
    for status in running(person.statuses.filter(kind=Kind.INTERN), awarded_on):
        eligible = next((d for d in career_dates(status) if d.code == "thesis_eligible"), None)
        if eligible is not None and awarded_on < eligible.day:
            months = int(param(f"internat.thesis_after_months.{status.track}", on=status.start_date))
            return _("Doctorat refusé : un interne ne soutient sa thèse qu'après ses %(months)s premiers mois de "
                     "service effectif à l'internat (%(ref)s) ; pour cet interne, entré le %(start)s : à partir du "
                     "%(day)s.") % {"months": months, "ref": eligible.ref, "start": f"{status.start_date:%d/%m/%Y}",
                                    "day": f"{eligible.day:%d/%m/%Y}"}
    return None


def _close_residency(person: Person, specialty, awarded_on: dt.date, by) -> None:
    resident = running(person.statuses.filter(kind=Kind.RESIDENT, specialty=specialty), awarded_on).first()
    if resident is None:
        raise ValidationError(_("Aucun résidanat en cours dans cette spécialité au %(on)s.") % {
            "on": f"{awarded_on:%d/%m/%Y}"}, code="no_residency")
    year = year_in_progress(resident)
    if year is not None:
        raise ValidationError(
            _("Diplôme de spécialité refusé : toutes les années de résidanat doivent être validées (%(ref)s) ; "
              "l'année %(n)s n'est pas validée.") % {"ref": RESIDENCY_REF, "n": year.number}, code="years_missing")
    do_end_status(resident, on=max(awarded_on, resident.start_date), end_reason=TraineeStatus.EndReason.COMPLETED,
                  by=by)


def do_record_degree(person: Person, kind: str, specialty, awarded_on: dt.date, reference: str, by) -> Degree:
    if not may_record_degree(by, person, kind, specialty):
        raise PermissionDenied(_("Les diplômes sont enregistrés par le décanat de la faculté ou le ministère."))
    if kind not in Degree.Kind.values:
        raise ValidationError(_("Diplôme inconnu."), code="kind")
    if not reference.strip():
        raise ValidationError(_("La référence du diplôme est obligatoire."), code="reference")
    if kind == Degree.Kind.SPECIALTY_DIPLOMA and specialty is None:
        raise ValidationError(_("Le diplôme de spécialité nomme sa spécialité (%(ref)s).") % {"ref": RESIDENCY_REF},
                              code="specialty")
    with transaction.atomic():
        Person.objects.select_for_update().get(pk=person.pk)
        if kind == Degree.Kind.DOCTORATE:
            if person.degrees.filter(kind=kind).exists():
                raise ValidationError(_("Le doctorat de cette personne est déjà enregistré."), code="duplicate")
            refusal = _thesis_refusal(person, awarded_on)
            if refusal:
                raise ValidationError(refusal, code="thesis_too_early")
            specialty = None
            for status in running(person.statuses.filter(kind__in=ENDED_BY_DOCTORATE), awarded_on):
                do_end_status(status, on=awarded_on, end_reason=TraineeStatus.EndReason.DOCTORATE, by=by)
        else:
            if person.degrees.filter(kind=kind, specialty=specialty).exists():
                raise ValidationError(_("Ce diplôme de spécialité est déjà enregistré."), code="duplicate")
            _close_residency(person, specialty, awarded_on, by)
        return Degree.objects.create(person=person, kind=kind, specialty=specialty, awarded_on=awarded_on,
                                     reference=reference.strip(), recorded_by=by)
