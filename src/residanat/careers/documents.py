"""Career documents, in French or Arabic: the certificate of a validated rotation (D93 art. 17)
and the attestations of the titles "ancien interne" (D93 art. 14, 15), "ancien interne des
hôpitaux de santé publique" (RD68 ch. 4) and "ancien résident" (D93 art. 23).

Each title is refused, with the rule and the article, until the register shows it is earned.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from residanat.accounts.roles import EDITOR_ROLES
from residanat.documents import kinds
from residanat.documents.attestations import identity_facts
from residanat.documents.models import IssuedDocument
from residanat.documents.pdf import issue_once
from residanat.documents.readers import Readers
from residanat.people.models import Person, TraineeStatus
from residanat.rules.parameters import param

from . import dates
from .models import Degree, ResidencyYear, Rotation
from .scope import can_issue_for, people_in_scope
from .timeline import RESIDENCY_YEAR_REF, VALIDATION_REF, param_ref

Kind = TraineeStatus.Kind
# Issued and read by those who manage the file (scope.can_issue_for: may change the person) and by
# the trainee; the register is the page that serves them (views_timeline redirects there).
CAREER_READERS = Readers(EDITOR_ROLES, through=Person, person="")
ROTATION_CERTIFICATE = kinds.register("rotation_certificate", gettext_lazy("Certificat de stage"),
                                      readers=CAREER_READERS)
FORMER_INTERN = kinds.register("former_intern_attestation", gettext_lazy("Attestation d'ancien interne"),
                               readers=CAREER_READERS)
FORMER_PH_INTERN = kinds.register(
    "former_ph_intern_attestation", gettext_lazy("Attestation d'ancien interne des hôpitaux de santé publique"),
    readers=CAREER_READERS)
FORMER_RESIDENT = kinds.register("former_resident_attestation", gettext_lazy("Attestation d'ancien résident"),
                                 readers=CAREER_READERS)
TITLE_KINDS = {Kind.INTERN: FORMER_INTERN, Kind.PUBLIC_HEALTH_INTERN: FORMER_PH_INTERN, Kind.RESIDENT: FORMER_RESIDENT}
CRITERIA = (("attendance", gettext_lazy("Assiduité")), ("knowledge", gettext_lazy("Connaissances")),
            ("practical_skills", gettext_lazy("Aptitudes pratiques")), ("conduct", gettext_lazy("Comportement")))


def _day(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def _who(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _check_issuer(person, by) -> None:
    if not people_in_scope(by).filter(pk=person.pk).exists() or not can_issue_for(by, person):
        raise PermissionDenied


def _status_facts(status: TraineeStatus) -> dict:
    return {
        "kind": str(status.get_kind_display()), "track": str(status.get_track_display()),
        "faculty": status.faculty.name if status.faculty else "",
        "hospital_centre": status.hospital_centre.name if status.hospital_centre else "",
        "establishment": status.establishment.name if status.establishment else "",
        "specialty": status.specialty.name if status.specialty else "",
        "start": status.start_date, "end": status.end_date, "decision_ref": status.decision_ref,
    }


# --- certificate of rotation ---------------------------------------------------------------------

def rotation_certificate_facts(rotation: Rotation, language: str) -> dict:
    with translation.override(language):
        service = rotation.service
        return {
            "person": identity_facts(rotation.status.person),
            "status": _status_facts(rotation.status),
            "service": service.name,
            "establishment": service.establishment.name,
            "start": rotation.start_date,
            "end": rotation.end_date,
            "is_redo": rotation.is_redo,
            "criteria": [{"label": str(label), "met": bool(getattr(rotation, name))} for name, label in CRITERIA],
            "validated_by": _who(rotation.validated_by),
            "validated_on": timezone.localdate(rotation.validated_at),
            "ref": VALIDATION_REF,
        }


def do_issue_rotation_certificate(rotation: Rotation, *, by, language: str) -> IssuedDocument:
    person = rotation.status.person
    _check_issuer(person, by)
    if rotation.outcome != Rotation.Outcome.VALIDATED:
        raise ValidationError(_("Le certificat de stage n'est délivré que pour un stage validé par le chef de "
                                "service (%(ref)s).") % {"ref": VALIDATION_REF}, code="not_validated")
    return issue_once(template="documents/careers_rotation_certificate.html",
                  facts=rotation_certificate_facts(rotation, language), kind=ROTATION_CERTIFICATE,
                  language=language, person=person, by=by)


# --- titles --------------------------------------------------------------------------------------

def _validated_rotations(status: TraineeStatus):
    return status.rotations.filter(outcome=Rotation.Outcome.VALIDATED).select_related("service__establishment")


def _validated_years(status: TraineeStatus):
    return status.residency_years.filter(outcome=ResidencyYear.Outcome.VALIDATED).order_by("number", "start_date")


def _diploma(status: TraineeStatus) -> Degree | None:
    return status.person.degrees.filter(kind=Degree.Kind.SPECIALTY_DIPLOMA, specialty=status.specialty_id).first()


def title_refusal(status: TraineeStatus, today: dt.date) -> str | None:
    """Why the title of `status` cannot be attested on `today`, naming the rule and the article."""
    title_day = dates.career_date(status, "title_eligible")
    on = status.start_date
    if status.kind == Kind.INTERN:
        needed = int(param("internat.rotations", on=on))
        done = _validated_rotations(status).count()
        if done < needed or title_day > today:
            return _("Titre d'ancien interne refusé : il faut %(n)s stages validés et deux ans de service effectif "
                     "(%(ref14)s, %(ref15)s). Stages validés : %(done)s sur %(n)s ; service effectif accompli le "
                     "%(day)s.") % {"n": needed, "done": done, "day": _day(title_day),
                                    "ref14": param_ref("internat.rotations", on),
                                    "ref15": param_ref("internat.title_service_months", on)}
        return None
    if status.kind == Kind.PUBLIC_HEALTH_INTERN:
        if title_day > today:
            return _("Titre d'ancien interne des hôpitaux de santé publique refusé : le service effectif exigé ne "
                     "sera accompli que le %(day)s (%(ref)s).") % {
                "day": _day(title_day), "ref": param_ref("ph_internat.title_service_months", on)}
        return None
    if status.kind == Kind.RESIDENT:
        needed = status.specialty.residency_years(on)
        done = _validated_years(status).count()
        if done < needed or _diploma(status) is None:
            return _("Titre d'ancien résident refusé : toutes les années de résidanat validées (%(done)s sur "
                     "%(n)s) et le diplôme de spécialité médicale (%(diploma)s) sont exigés (%(ref)s).") % {
                "done": done, "n": needed, "ref": RESIDENCY_YEAR_REF,
                "diploma": _("enregistré") if _diploma(status) else _("non enregistré")}
        return None
    return _("Aucun titre n'est attaché au statut d'%(kind)s.") % {"kind": status.get_kind_display()}


def title_attestation_facts(status: TraineeStatus, language: str) -> dict:
    on = status.start_date
    with translation.override(language):
        facts = {
            "person": identity_facts(status.person),
            "status": _status_facts(status),
            "regime": status.regime,
            "title_kind": TITLE_KINDS[status.kind],
        }
        if status.kind in (Kind.INTERN, Kind.PUBLIC_HEALTH_INTERN):
            key = "internat.title_service_months" if status.kind == Kind.INTERN else "ph_internat.title_service_months"
            facts["title_eligible"] = dates.career_date(status, "title_eligible")
            facts["ref"] = param_ref(key, on)
        if status.kind == Kind.INTERN:
            facts["rotations"] = [{"service": r.service.name, "establishment": r.service.establishment.name,
                                   "start": r.start_date, "end": r.end_date} for r in _validated_rotations(status)]
            facts["ref"] = f'{param_ref("internat.rotations", on)}, {facts["ref"]}'
        if status.kind == Kind.RESIDENT:
            diploma = _diploma(status)
            facts["years"] = [{"number": y.number, "start": y.start_date, "end": y.end_date, "reference": y.reference}
                              for y in _validated_years(status)]
            facts["diploma"] = {"awarded_on": diploma.awarded_on, "reference": diploma.reference}
            facts["ref"] = RESIDENCY_YEAR_REF
        return facts


def do_issue_title_attestation(status: TraineeStatus, *, by, language: str,
                               today: dt.date | None = None) -> IssuedDocument:
    _check_issuer(status.person, by)
    # The refusal is said in the caller's language, whatever the document's.
    refusal = title_refusal(status, today or timezone.localdate())
    if refusal:
        raise ValidationError(refusal, code="not_eligible")
    return issue_once(template="documents/careers_title_attestation.html",
                  facts=title_attestation_facts(status, language), kind=TITLE_KINDS[status.kind],
                  language=language, person=status.person, by=by)
