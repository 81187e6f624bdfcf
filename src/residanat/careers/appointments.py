"""Appointing residents (D93 art. 21–22) and 7th-year students with intern duties (RD68 ch. 14),
and the small predicates that say who acts for which unit (dean's office of a faculty, direction
of a hospital centre, the Ministry), shared by the other record services."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from residanat.accounts.authority import is_dean_of, is_director_of, is_ministry
from residanat.accounts.roles import Role
from residanat.people.models import Person, TraineeStatus
from residanat.people.services import do_end_status, do_start_status
from residanat.rules.parameters import load_parameters, param
from residanat.rules.service_time import ONE_DAY

from .dates import career_date
from .models import Degree, Rotation

Kind = TraineeStatus.Kind
Route = TraineeStatus.EntryRoute
RESIDENT_ROUTES = (Route.COMPETITION, Route.TITLES_INTERN, Route.TITLES_MILITARY)


def may_appoint_residents(user, faculty_id=None, centre_id=None) -> bool:
    """D93 art. 22: the dean's office of the faculty, the centre's direction or the Ministry. With no
    unit given: whether the user holds one of these roles at all (to offer the form)."""
    if is_ministry(user):
        return True
    if faculty_id is None and centre_id is None:
        return any(a.role in (Role.DEAN_OFFICE, Role.HOSPITAL_DIRECTOR_OFFICE) for a in user.active_roles())
    return is_dean_of(user, faculty_id) or is_director_of(user, centre_id)


def running(statuses: QuerySet[TraineeStatus], on: dt.date) -> QuerySet[TraineeStatus]:
    return statuses.filter(Q(end_date__isnull=True) | Q(end_date__gte=on), start_date__lte=on)


# --- residents -----------------------------------------------------------------------------------

def titles_intern_refusal(person: Person, start: dt.date) -> str | None:
    """D93 art. 21 1.a: an intern enters on titles after two years of actual internat, validated:
    the four rotations validated and the 'title' date (two years of actual service) reached."""
    key = "residanat.titles_internat_years_required"
    ref, years = load_parameters().get(key, start).ref, int(param(key, on=start))
    rotations_needed = int(param("internat.rotations", on=start))
    interns = person.statuses.filter(kind=Kind.INTERN, start_date__lt=start).order_by("-start_date")
    if not interns:
        return _("Accès sur titres refusé (%(ref)s, 1.a) : aucun internat n'est enregistré pour cette personne.") % {
            "ref": ref}
    for intern in interns:
        validated = intern.rotations.filter(outcome=Rotation.Outcome.VALIDATED).count()
        eligible = career_date(intern, "title_eligible")
        if validated >= rotations_needed and eligible is not None and eligible <= start:
            return None
    intern = interns[0]
    return _("Accès sur titres refusé (%(ref)s, 1.a) : il faut %(years)s années d'internat effectif validées ; "
             "%(done)s stage(s) validé(s) sur %(needed)s, deux ans de service effectif atteints le %(on)s.") % {
        "ref": ref, "years": years, "needed": rotations_needed,
        "done": intern.rotations.filter(outcome=Rotation.Outcome.VALIDATED).count(),
        "on": f"{career_date(intern, 'title_eligible'):%d/%m/%Y}",
    }


def do_appoint_resident(person: Person, specialty, faculty, hospital_centre, start: dt.date, entry_route: str,
                        decision_ref: str, by) -> TraineeStatus:
    """D93 art. 21–22: appoint `person` resident in `specialty`, on titles or after the competition.
    A running internat ends the day before (the intern becomes a resident)."""
    if not may_appoint_residents(by, getattr(faculty, "pk", None), getattr(hospital_centre, "pk", None)):
        raise PermissionDenied(_("Les résidents sont nommés par le décanat, la direction du centre hospitalier "
                                 "ou le ministère (D93 art. 22)."))
    if entry_route not in RESIDENT_ROUTES:
        raise ValidationError(_("Voie d'accès au résidanat inconnue : sur titres ou par concours (D93 art. 21)."),
                              code="route")
    if not decision_ref.strip():
        raise ValidationError(_("La référence de la décision conjointe de nomination est obligatoire (D93 art. 22)."),
                              code="decision_ref")
    if faculty is None or hospital_centre is None or specialty is None:
        raise ValidationError(_("Un résident est nommé dans une spécialité, une faculté et un centre hospitalier "
                                "(D93 art. 22)."), code="units")
    if entry_route == Route.TITLES_INTERN:
        refusal = titles_intern_refusal(person, start)
        if refusal:
            raise ValidationError(refusal, code="titles_intern")
    with transaction.atomic():
        Person.objects.select_for_update().get(pk=person.pk)
        if running(person.statuses.filter(kind=Kind.RESIDENT), start).exists():
            raise ValidationError(_("Cette personne est déjà résidente à cette date (D93 art. 23 : une spécialité)."),
                                  code="already_resident")
        for intern in running(person.statuses.filter(kind=Kind.INTERN, start_date__lt=start), start - ONE_DAY):
            do_end_status(intern, on=start - ONE_DAY, end_reason=TraineeStatus.EndReason.COMPLETED, by=by)
        return do_start_status(
            person, by=by, kind=Kind.RESIDENT, track=specialty.track, specialty=specialty, faculty=faculty,
            hospital_centre=hospital_centre, start_date=start, entry_route=entry_route,
            decision_ref=decision_ref.strip())


# --- 7th-year students with intern duties (RD68 ch. 14–15) ---------------------------------------

def seventh_year_in_force() -> tuple[dt.date, str]:
    """The first day whose lump sum the texts held give (RD68 ch. 14 as of decree 2.25.818, from
    1 January 2025). Not the day the duties began: ch. 14 is of 1968, replaced by decree 2.16.46 in
    2016; an earlier amount was owed, which the payroll reports as missing (decision 0001)."""
    first = load_parameters().versions("seventh_year.lump_sum")[0]
    return first.valid_from, first.ref


def do_appoint_seventh_year(person: Person, establishment, start: dt.date, end: dt.date, decision_ref: str,
                            by) -> TraineeStatus:
    """RD68 ch. 14: by ministerial decision, a student who passed year 6 takes intern duties in a
    Ministry hospital for the clinical rotations of year 7. Before 2025 too: the article is older
    than the amount the texts held give (decision 0001)."""
    ref = load_parameters().versions("seventh_year.lump_sum")[0].ref
    if not is_ministry(by):
        raise PermissionDenied(_("Les fonctions d'interne sont confiées aux étudiants de 7e année par décision "
                                 "ministérielle (%(ref)s).") % {"ref": ref})
    if end < start:
        raise ValidationError(_("La fin précède le début."), code="range")
    if establishment is None or establishment.hospital_centre_id is not None:
        raise ValidationError(_("Les fonctions d'interne s'exercent dans un hôpital du ministère, hors centre "
                                "hospitalier universitaire (%(ref)s).") % {"ref": ref}, code="establishment")
    if not decision_ref.strip():
        raise ValidationError(_("La référence de la décision ministérielle est obligatoire (%(ref)s).") % {"ref": ref},
                              code="decision_ref")
    with transaction.atomic():
        Person.objects.select_for_update().get(pk=person.pk)
        if person.degrees.filter(kind=Degree.Kind.DOCTORATE, awarded_on__lte=start).exists():
            raise ValidationError(_("Cette personne est déjà docteur : elle ne peut plus être chargée de fonctions "
                                    "d'interne (RD68 ch. 13)."), code="doctor")
        overlapping = person.statuses.filter(kind=Kind.SEVENTH_YEAR, start_date__lte=end).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=start))
        if overlapping.exists():
            raise ValidationError(_("Cette personne est déjà chargée de fonctions d'interne sur cette période."),
                                  code="overlap")
        return do_start_status(
            person, by=by, kind=Kind.SEVENTH_YEAR, track="medicine", study_year=7, establishment=establishment,
            start_date=start, end_date=end, entry_route=Route.DECISION, decision_ref=decision_ref.strip())
