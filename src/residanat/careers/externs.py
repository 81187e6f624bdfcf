"""Externs (D93 art. 1–7): which study years make a student an extern, who may import a faculty's
enrolment list, and the bulk assignment of externs to services (art. 5): the dean's office
proposes a batch after the pedagogical committee's opinion, the hospital director assigns it.

The enrolment import itself lives in `enrolment.py`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from residanat.accounts.roles import Role
from residanat.documents.excel import Sheet, workbook_bytes
from residanat.documents.imports import Column, TableImport, run_import
from residanat.documents.spreadsheet import ImportResult, RowError, blank
from residanat.people.identity import normalise_identifier
from residanat.people.models import TraineeStatus
from residanat.referential.models import Faculty, HospitalCentre, HospitalService
from residanat.rules import param, parameters_in_force

from .models import EnrolmentImport, ExternAssignment, ExternAssignmentBatch, Rotation
from .rotations import do_assign_rotation

Kind = TraineeStatus.Kind

# --- which years are extern years (D93 art. 2 and 6) ---------------------------------------------

TRACKS = ("medicine", "dental", "pharmacy")
STIPEND_PREFIX = "extern.stipend.{track}.year"


class YearClass:
    EXTERN = "extern"  # an extern year by art. 2
    FLAGGED = "flagged"  # paid by art. 6 but outside art. 2 (decision 0002)
    NOT_EXTERN = "not_extern"  # neither: not an extern (years 1–2, medicine 7…)


def paid_years(track: str, on: dt.date) -> set[int]:
    """D93 art. 6: the study years for which an extern stipend is in force on `on`."""
    prefix = STIPEND_PREFIX.format(track=track)
    years = set()
    for parameter in parameters_in_force(on):
        if parameter.key.startswith(prefix) and parameter.key[len(prefix):].isdigit():
            years.add(int(parameter.key[len(prefix):]))
    return years


def art2_years(track: str, on: dt.date) -> tuple[int, int]:
    """D93 art. 2: extern from year 3 (medicine, dental) or 4 (pharmacy) until the end of year 6
    (medicine), 5 (dental), 4 (pharmacy); the years are parameters (extern.first_year/last_year)."""
    return int(param(f"extern.first_year.{track}", on=on)), int(param(f"extern.last_year.{track}", on=on))


def year_class(track: str, study_year: int, on: dt.date) -> str:
    first, last = art2_years(track, on) if track in TRACKS else (0, -1)
    if first <= study_year <= last:
        return YearClass.EXTERN
    if study_year in paid_years(track, on):
        # D93 art. 2 vs art. 6: pharmacy 5–6 and dental 6 are paid but not externs by art. 2:
        # the status is recorded for the years the faculty enrols, and flagged (decision 0002).
        return YearClass.FLAGGED
    return YearClass.NOT_EXTERN


def flagged_years(on: dt.date) -> dict[str, set[int]]:
    """The years of each track that are paid by art. 6 but outside art. 2."""
    return {track: {y for y in paid_years(track, on) if year_class(track, y, on) == YearClass.FLAGGED}
            for track in TRACKS}


def flagged_filter(on: dt.date) -> Q:
    condition = Q(pk__in=[])
    for track, years in flagged_years(on).items():
        if years:
            condition |= Q(track=track, study_year__in=sorted(years))
    return condition


def flag_message() -> str:
    return _("année rémunérée par l'art. 6 mais hors des années d'externat de l'art. 2 (D93 art. 2 et 6, "
             "décision 0002)")


# --- academic years --------------------------------------------------------------------------------

# A status belongs to the academic year in which it starts; the year turns on 1 July, between the
# end of one year's classes and the next enrolment. The default dates (1 September – 31 August)
# are only the form's suggestion: the faculty sets its own.
YEAR_TURNS_MONTH = 7


def academic_year_of(day: dt.date) -> int:
    return day.year if day.month >= YEAR_TURNS_MONTH else day.year - 1


def default_year_dates(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 9, 1), dt.date(year + 1, 8, 31)


def in_academic_year(year: int) -> Q:
    return Q(start_date__gte=dt.date(year, YEAR_TURNS_MONTH, 1), start_date__lt=dt.date(year + 1, YEAR_TURNS_MONTH, 1))


# --- who may do what -------------------------------------------------------------------------------

def _national(user) -> bool:
    return user.is_superuser or user.has_role(Role.MINISTRY_ADMIN)


def faculties_of_dean(user):
    """The faculties whose enrolment list `user` may import and whose externs they may propose for
    assignment: every one for the ministry, their own for the dean's office (D93 art. 2, 5)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Faculty.objects.none()
    if _national(user):
        return Faculty.objects.all()
    return Faculty.objects.filter(pk__in=[a.faculty_id for a in user.active_roles() if a.role == Role.DEAN_OFFICE])


def acts_for_faculty(user, faculty) -> bool:
    return faculties_of_dean(user).filter(pk=faculty.pk).exists()


def may_assign(user, batch: ExternAssignmentBatch) -> bool:
    """D93 art. 5: the hospital centre's director assigns the externs (or the ministry)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if _national(user):
        return True
    return any(a.role == Role.HOSPITAL_DIRECTOR_OFFICE and a.hospital_centre_id == batch.hospital_centre_id
               for a in user.active_roles())


def visible_imports(user):
    """The enrolment imports `user` may see: the faculty's dean's office, the national roles."""
    return EnrolmentImport.objects.visible_to(user)


def hospital_centre_of(faculty) -> HospitalCentre | None:
    """The faculty's hospital centre, where its externs serve (D93 art. 1)."""
    return faculty.hospital_centres.order_by("pk").first()


# --- the batch of the dean's proposal (D93 art. 5) -------------------------------------------------

# The columns of the dean's proposal, with the other header names read as the same column (case,
# accents and spaces ignored).
BATCH_COLUMNS = (
    Column("identifier", ("identifiant", "cin", "national_id", "passeport", "passport_number")),
    Column("establishment_code", ("code_etablissement", "etablissement")),
    Column("service_code", ("code_service",)),
    Column("service"),
)


@dataclass
class BatchLine:
    row: int
    identifier: str
    status: TraineeStatus
    service: HospitalService


@dataclass
class BatchProposal(ImportResult):
    """What `do_propose_extern_batch` read; `batch` is the proposal written (None on any error)."""

    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)
    lines: list[BatchLine] = field(default_factory=list)
    batch: ExternAssignmentBatch | None = None


def _identifier(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalise_identifier(value)


def _service(values: dict, row: int, centre, errors: list) -> HospitalService | None:
    if not blank(values.get("establishment_code")) or not blank(values.get("service_code")):
        column = "service_code"
        establishment, code = str(values.get("establishment_code") or "").strip(), str(
            values.get("service_code") or "").strip()
    else:
        column = "service"
        establishment, _slash, code = str(values.get("service") or "").strip().partition("/")
        establishment, code = establishment.strip(), code.strip()
    if not establishment or not code:
        errors.append(RowError(row, column, _("service obligatoire : code de l'établissement et code du service "
                                               "(« etablissement/service »)")))
        return None
    service = (HospitalService.objects.select_related("establishment")
               .filter(establishment__code__iexact=establishment, code__iexact=code).first())
    if service is None:
        errors.append(RowError(row, column, _("service inconnu « %(est)s/%(code)s »")
                               % {"est": establishment, "code": code}))
        return None
    if service.establishment.hospital_centre_id != centre.pk:
        errors.append(RowError(row, column, _(
            "le service %(service)s n'appartient pas à un établissement du %(centre)s (D93 art. 5)")
            % {"service": service, "centre": centre}))
        return None
    return service


def _status(identifier: str, row: int, faculty, start, end, errors: list) -> TraineeStatus | None:
    statuses = list(
        TraineeStatus.objects.filter(kind=Kind.EXTERN, faculty=faculty, start_date__lte=start)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=end))
        .filter(Q(person__national_id=identifier) | Q(person__passport_number=identifier))
        .select_related("person"))
    if not statuses:
        errors.append(RowError(row, "identifier", _(
            "« %(id)s » n'a pas de statut d'externe de la %(faculty)s couvrant toute la période "
            "du %(start)s au %(end)s")
            % {"id": identifier, "faculty": faculty, "start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"}))
        return None
    if len({s.person_id for s in statuses}) > 1:
        errors.append(RowError(row, "identifier", _("« %(id)s » désigne plusieurs personnes : indiquez la CIN")
                               % {"id": identifier}))
        return None
    return statuses[-1]


def _overlapping_rotation(status, start, end) -> Rotation | None:
    return (Rotation.objects.filter(status=status, start_date__lte=end, end_date__gte=start)
            .exclude(outcome=Rotation.Outcome.NOT_VALIDATED).select_related("service").first())


def _check_batch(faculty, hospital_centre, label, start, end, committee_opinion) -> None:
    problems = {}
    if not (label or "").strip():
        problems["label"] = _("Donnez un intitulé à l'affectation.")
    elif len(label.strip()) > ExternAssignmentBatch._meta.get_field("label").max_length:
        problems["label"] = _("Intitulé trop long.")
    if not (committee_opinion or "").strip():
        problems["committee_opinion"] = _("L'avis de la commission pédagogique est obligatoire avant la proposition "
                                          "du doyen (D93 art. 5).")
    elif len(committee_opinion.strip()) > ExternAssignmentBatch._meta.get_field("committee_opinion").max_length:
        problems["committee_opinion"] = _("Référence de l'avis trop longue.")
    if start is None or end is None or end < start:
        problems["end_date"] = _("La fin de l'affectation précède son début.")
    if not hospital_centre.faculties.filter(pk=faculty.pk).exists():
        problems["hospital_centre"] = _(
            "Le %(centre)s n'est pas un centre hospitalier de la %(faculty)s (D93 art. 1).") % {
            "centre": hospital_centre, "faculty": faculty}
    if problems:
        raise ValidationError(problems)


def _before(context, result) -> None:
    if not acts_for_faculty(context["by"], context["faculty"]):
        raise PermissionDenied(_("Seul le décanat de la faculté propose l'affectation de ses externes (D93 art. 5)."))
    _check_batch(context["faculty"], context["hospital_centre"], context["label"], context["start"], context["end"],
                 context["committee_opinion"])
    context["seen"] = {}


def _batch_line(row, context, result) -> BatchLine | None:
    faculty, start, end, seen = context["faculty"], context["start"], context["end"], context["seen"]
    identifier = _identifier(row.cell("identifier"))
    if not identifier:
        row.error("identifier", _("CIN ou passeport obligatoire"))
    status = _status(identifier, row.number, faculty, start, end, result.errors) if identifier else None
    service = _service(row.raw, row.number, context["hospital_centre"], result.errors)
    if status is None or service is None:
        return None
    if status.pk in seen:
        row.error("identifier", _("externe déjà affecté ligne %(row)s de la même proposition") % {"row": seen[status.pk]})
        return None
    seen[status.pk] = row.number
    if (busy := _overlapping_rotation(status, start, end)) is not None:
        row.error("identifier", _("déjà en stage au service %(service)s du %(start)s au %(end)s")
                  % {"service": busy.service, "start": f"{busy.start_date:%d/%m/%Y}", "end": f"{busy.end_date:%d/%m/%Y}"})
        return None
    return BatchLine(row.number, identifier, status, service)


def _write_batch(lines, context, result: BatchProposal) -> None:
    result.lines = lines
    result.batch = ExternAssignmentBatch.objects.create(
        faculty=context["faculty"], hospital_centre=context["hospital_centre"], label=context["label"].strip(),
        start_date=context["start"], end_date=context["end"], committee_opinion=context["committee_opinion"].strip(),
        proposed_by=context["by"])
    ExternAssignment.objects.bulk_create(
        ExternAssignment(batch=result.batch, status=line.status, service=line.service) for line in lines)


BATCH = TableImport(
    columns=BATCH_COLUMNS, result=lambda context, dry_run: BatchProposal(dry_run=dry_run),
    before=_before, read_row=_batch_line, write=_write_batch,
    empty=gettext_lazy("le fichier ne contient aucune ligne d'externe"),
    no_rows=gettext_lazy("le fichier ne contient aucune ligne d'externe"),
)


def do_propose_extern_batch(faculty, hospital_centre, label, start, end, committee_opinion, rows, by) -> BatchProposal:
    """D93 art. 5: the dean's office proposes, after the pedagogical committee's opinion, one
    service per extern for `start`–`end`. `rows`: a spreadsheet (bytes or file) with the columns
    identifier (CIN or passport) and service (establishment_code + service_code, or one column
    "service" as "establishment/service"), or a list of dicts with those keys. Every row is checked
    first; on any error nothing is written and `result.errors` names the row and the column."""
    data = rows if isinstance(rows, (bytes, list, tuple)) else rows.read()
    context = {"faculty": faculty, "hospital_centre": hospital_centre, "label": label, "start": start, "end": end,
               "committee_opinion": committee_opinion, "by": by}
    return run_import(BATCH, getattr(rows, "name", ""), data, context=context, commit=True)


def do_assign_extern_batch(batch: ExternAssignmentBatch, by) -> ExternAssignmentBatch:
    """D93 art. 5: the hospital centre's director assigns the proposed externs: one rotation per
    row, all or none."""
    if not may_assign(by, batch):
        raise PermissionDenied(_("Seule la direction du centre hospitalier affecte les externes (D93 art. 5)."))
    with transaction.atomic():
        batch = ExternAssignmentBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.state != ExternAssignmentBatch.State.PROPOSED:
            raise ValidationError(_("Cette proposition a déjà été affectée."), code="already_assigned")
        for row in batch.rows.select_related("status__person", "service"):
            busy = _overlapping_rotation(row.status, batch.start_date, batch.end_date)
            if busy is not None:
                raise ValidationError(_("%(person)s est déjà en stage au service %(service)s du %(start)s au %(end)s : "
                                        "rien n'a été affecté.") % {
                    "person": row.status.person, "service": busy.service,
                    "start": f"{busy.start_date:%d/%m/%Y}", "end": f"{busy.end_date:%d/%m/%Y}"}, code="busy")
            do_assign_rotation(status=row.status, service=row.service, start=batch.start_date, end=batch.end_date,
                               by=by, check_permission=False)
        batch.state = ExternAssignmentBatch.State.ASSIGNED
        batch.assigned_by = by
        batch.assigned_at = timezone.now()
        batch.save(update_fields=["state", "assigned_by", "assigned_at"])
    return batch


def batch_template() -> bytes:
    rows = Sheet(_("Affectation"), ["identifier", "establishment_code", "service_code"], [])
    help_rows = [
        ["identifier", _("CIN de l'externe (ou numéro de passeport)"), "BK123456"],
        ["establishment_code", _("Code de l'établissement du centre hospitalier"), "chu-ibn-rochd-hopital"],
        ["service_code", _("Code du service dans l'établissement"), "pediatrie"],
        ["service", _("Au lieu des deux colonnes précédentes : « etablissement/service »"), ""],
    ]
    return workbook_bytes([rows, Sheet(_("Aide"), [_("Colonne"), _("Contenu"), _("Exemple")], help_rows)])
