"""One trainee's career in order: every status with its computed dates (and the article behind
each), then the rotations, leave, yearly decisions, degrees, missions and documents as one list of
events, and the alerts the register raises (a rotation to redo, a doctorate deadline, ...).

Read-only: the page, the API and the documents all start from `build_timeline`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from residanat.documents import kinds
from residanat.documents.models import IssuedDocument
from residanat.people.models import Person, TraineeStatus
from residanat.rules.parameters import load_parameters
from residanat.rules.service_time import Span

from . import dates
from .models import Degree, Leave, ResidencyYear, Rotation, RuralMission
from .rotations import owes_redo

Kind = TraineeStatus.Kind
# Articles with no parameter of their own (the others are read from the parameters' refs).
VALIDATION_REF = "D93 art. 17"
RESIDENCY_YEAR_REF = "D93 art. 23"
# Same-day events: the appointment first, its end last.
ORDER = {"status_start": 0, "residency_year": 1, "rotation": 2, "mission": 3, "leave": 4, "degree": 5,
         "document": 6, "status_end": 9}


def param_ref(key: str, on: dt.date) -> str:
    return load_parameters().get(key, on).ref


@dataclass
class DateLine:
    code: str
    label: str
    day: dt.date
    ref: str
    note: str
    reached: bool


@dataclass
class StatusBlock:
    status: TraineeStatus
    dates: list[DateLine]
    not_counted: list[Span]

    def date(self, code: str) -> dt.date | None:
        return next((d.day for d in self.dates if d.code == code), None)


@dataclass
class Event:
    kind: str
    start: dt.date
    end: dt.date | None
    title: str
    ref: str = ""
    # What the API returns about the event (JSON-able, in the current language).
    facts: dict = field(default_factory=dict)
    obj: object = None
    status: TraineeStatus | None = None


@dataclass
class Alert:
    code: str
    message: str
    ref: str
    level: str = "warn"


@dataclass
class Timeline:
    person: Person
    today: dt.date
    statuses: list[StatusBlock]
    events: list[Event]
    alerts: list[Alert]


def _lang() -> str:
    return get_language() or settings.LANGUAGE_CODE


def status_block(status: TraineeStatus, today: dt.date) -> StatusBlock:
    lang = _lang()
    lines = [DateLine(d.code, d.label(lang), d.day, d.ref, d.note(lang), d.day <= today)
             for d in dates.career_dates(status)]
    return StatusBlock(status, lines, dates.not_counted(status))


def _name(unit) -> str:
    return unit.name if unit is not None else ""


def _status_events(status: TraineeStatus) -> list[Event]:
    facts = {
        "status_id": status.pk, "kind": status.kind, "kind_label": str(status.get_kind_display()),
        "track": status.track, "study_year": status.study_year, "decision_ref": status.decision_ref,
        "entry_route": status.entry_route, "entry_route_label": str(status.get_entry_route_display()),
        "faculty": _name(status.faculty), "hospital_centre": _name(status.hospital_centre),
        "establishment": _name(status.establishment), "specialty": _name(status.specialty),
    }
    events = [Event("status_start", status.start_date, status.end_date,
                    _("Début du statut : %(kind)s") % {"kind": status.get_kind_display()},
                    facts=facts, obj=status, status=status)]
    if status.end_date:
        events.append(Event("status_end", status.end_date, None,
                            _("Fin du statut : %(kind)s") % {"kind": status.get_kind_display()},
                            facts={"status_id": status.pk, "end_reason": status.end_reason,
                                   "end_reason_label": str(status.get_end_reason_display())},
                            obj=status, status=status))
    return events


def _rotation_event(rotation: Rotation) -> Event:
    by = rotation.validated_by
    facts = {
        "rotation_id": rotation.pk, "service_id": rotation.service_id, "service": rotation.service.name,
        "establishment": rotation.service.establishment.name, "outcome": rotation.outcome,
        "outcome_label": str(rotation.get_outcome_display()), "is_redo": rotation.is_redo,
        "attendance": rotation.attendance, "knowledge": rotation.knowledge,
        "practical_skills": rotation.practical_skills, "conduct": rotation.conduct,
        "comment": rotation.comment, "validated_by": (by.get_full_name() or by.username) if by else "",
        "validated_at": rotation.validated_at,
    }
    return Event("rotation", rotation.start_date, rotation.end_date,
                 _("Stage : %(service)s") % {"service": rotation.service.name},
                 VALIDATION_REF, facts, rotation, rotation.status)


def _covered(span: Span, spans: list[Span]) -> bool:
    return any(s.start <= span.start and span.end <= s.end for s in spans)


def _leave_event(leave: Leave, not_counted: list[Span]) -> Event:
    excluded = leave.kind == Leave.Kind.SICK and _covered(Span(leave.start_date, leave.end_date), not_counted)
    key = ("ph_leave.long_sick_leave_not_counted_months" if leave.status.regime == TraineeStatus.Regime.RD68
           else "leave.long_sick_leave_not_counted_months")
    facts = {"leave_id": leave.pk, "kind": leave.kind, "kind_label": str(leave.get_kind_display()),
             "reference": leave.reference, "not_counted": excluded, "in_force": leave.in_force,
             "days": (leave.end_date - leave.start_date).days + 1}
    return Event("leave", leave.start_date, leave.end_date, str(leave.get_kind_display()),
                 param_ref(key, leave.start_date) if excluded else "", facts, leave, leave.status)


def _residency_year_event(year: ResidencyYear) -> Event:
    facts = {"residency_year_id": year.pk, "number": year.number, "outcome": year.outcome,
             "outcome_label": str(year.get_outcome_display()), "reference": year.reference}
    return Event("residency_year", year.start_date, year.end_date,
                 _("Année de résidanat n° %(n)s") % {"n": year.number}, RESIDENCY_YEAR_REF, facts, year, year.status)


def _mission_event(mission: RuralMission) -> Event:
    facts = {"mission_id": mission.pk, "establishment": mission.establishment.name,
             "forces_move": mission.forces_move, "allowance_days": mission.allowance_days,
             "reference": mission.reference}
    return Event("mission", mission.start_date, mission.end_date,
                 _("Mission de remplacement en milieu rural : %(place)s") % {"place": mission.establishment.name},
                 param_ref("ph_intern.rural_mission_max_months", mission.start_date), facts, mission, mission.status)


def _degree_event(degree: Degree) -> Event:
    facts = {"degree_id": degree.pk, "kind": degree.kind, "kind_label": str(degree.get_kind_display()),
             "specialty": _name(degree.specialty), "reference": degree.reference}
    return Event("degree", degree.awarded_on, None, str(degree.get_kind_display()), "", facts, degree)


def _document_event(document: IssuedDocument) -> Event:
    facts = {"document_id": document.pk, "number": document.number, "kind": document.kind,
             "kind_label": str(kinds.label(document.kind)), "language": document.language}
    return Event("document", timezone.localdate(document.issued_at), None, document.title, "", facts, document)


def visible_documents(person: Person, viewer):
    """The person's documents the viewer may open (kinds.readable, as the download page allows them)."""
    return kinds.readable(viewer, IssuedDocument.objects.filter(person=person)).exclude(file="")


def build_timeline(person: Person, viewer, today: dt.date | None = None) -> Timeline:
    today = today or timezone.localdate()
    statuses = list(person.statuses.select_related(
        "faculty", "hospital_centre", "establishment", "service", "specialty").order_by("start_date", "pk"))
    blocks = [status_block(s, today) for s in statuses]
    events: list[Event] = []
    for block in blocks:
        status = block.status
        events += _status_events(status)
        events += [_rotation_event(r) for r in status.rotations.select_related(
            "service__establishment", "validated_by")]
        events += [_leave_event(leave, block.not_counted) for leave in status.leaves.all()]
        events += [_residency_year_event(y) for y in status.residency_years.all()]
        events += [_mission_event(m) for m in status.rural_missions.select_related("establishment")]
    events += [_degree_event(d) for d in person.degrees.select_related("specialty")]
    events += [_document_event(d) for d in visible_documents(person, viewer)]
    events.sort(key=lambda e: (e.start, ORDER[e.kind], e.obj.pk if e.obj is not None else 0))
    return Timeline(person, today, blocks, events, alerts(person, blocks, today))


# --- alerts --------------------------------------------------------------------------------------

def _current(status: TraineeStatus, today: dt.date) -> bool:
    return status.start_date <= today and (status.end_date is None or status.end_date >= today)


def _day(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def alerts(person: Person, blocks: list[StatusBlock], today: dt.date) -> list[Alert]:
    found: list[Alert] = []
    has_doctorate = person.degrees.filter(kind=Degree.Kind.DOCTORATE).exists()
    for block in blocks:
        status = block.status
        if status.kind == Kind.INTERN and owes_redo(status):
            # D93 art. 17: a rotation that was not validated is redone in full.
            found.append(Alert("rotation_redo", _("Un stage non validé doit être refait en entier ; la fin de "
                                                  "l'internat est reportée d'autant."), VALIDATION_REF))
        thesis = block.date("thesis_eligible")
        if thesis and thesis <= today and _current(status, today) and not has_doctorate:
            found.append(Alert("thesis_eligible", _("Soutenance de thèse possible depuis le %(day)s.")
                               % {"day": _day(thesis)}, next(d.ref for d in block.dates if d.code == "thesis_eligible"),
                               "info"))
        found += _doctorate_alerts(block, has_doctorate, today)
        for rotation in status.rotations.filter(outcome=Rotation.Outcome.PENDING, end_date__lt=today).select_related(
                "service"):
            found.append(Alert("validation_pending", _("Le stage au service %(service)s, terminé le %(end)s, attend "
                                                       "la validation du chef de service.")
                               % {"service": rotation.service.name, "end": _day(rotation.end_date)}, VALIDATION_REF))
    return found


def _doctorate_alerts(block: StatusBlock, has_doctorate: bool, today: dt.date) -> list[Alert]:
    """D93 art. 21: a resident admitted on titles as an intern obtains the doctorate within the
    first residency year; warned CAREERS_DOCTORATE_ALERT_DAYS before the deadline, and after it."""
    status = block.status
    line = next((d for d in block.dates if d.code == "doctorate_deadline"), None)
    if line is None or has_doctorate or (status.end_date and status.end_date < today):
        return []
    left = (line.day - today).days
    if left < 0:
        return [Alert("doctorate_overdue", _("Le doctorat devait être obtenu au plus tard le %(day)s : délai "
                                             "dépassé.") % {"day": _day(line.day)}, line.ref)]
    if left <= settings.CAREERS_DOCTORATE_ALERT_DAYS:
        return [Alert("doctorate_deadline", _("Doctorat à obtenir au plus tard le %(day)s (dans %(n)s jours).")
                      % {"day": _day(line.day), "n": left}, line.ref)]
    return []
