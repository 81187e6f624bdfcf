"""The choice of services by merit each rotation period (D93 art. 14–15; RD68 ch. 5): the office
creates the period, the seats per service are set and approved (the dean AND the hospital
director for a centre, the Ministry for its hospitals), the trainees concerned rank the services
in the call order, and the matching engine (serial dictatorship on that order) assigns them.

Each `do_*` checks permission, validates and writes in one transaction. Who may act:
- the office of a period: the Ministry, and for a D93 period the director's office of its centre
  ("under the hospital director", D93 art. 15); it creates, opens the wishes and assigns;
- the seats: the office and, for a D93 period, the dean's office of its faculty; approved by the
  dean AND the director (D93 art. 15), by the Ministry for RD68 (stored as the director's approval).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from residanat.accounts.authority import holds, is_ministry
from residanat.accounts.roles import Role
from residanat.allocation.placing import do_place
from residanat.allocation.seats import do_take_counted_seats
from residanat.allocation.wishes import distinct, do_replace_wish_list
from residanat.matching.pipeline import Offer, Program, Wisher
from residanat.people.models import TraineeStatus
from residanat.referential.models import Faculty, HospitalService, Specialty
from residanat.rules import rotations as rotation_rules
from residanat.rules.careers import Chooser, seniority_then_rank

from .models import PeriodChooser, Rotation, RotationPeriod, RotationWish, ServiceSeats
from .rotations import choice_refusal, do_assign_rotation, done_rotations, refusal_message

Regime = TraineeStatus.Regime
State = RotationPeriod.State
Kind = TraineeStatus.Kind
RD68_KINDS = (Kind.PUBLIC_HEALTH_INTERN, Kind.SEVENTH_YEAR)
MAX_SEATS = 32767  # PositiveSmallIntegerField

DEAN, DIRECTOR = "dean", "director"


# --- who may act ---------------------------------------------------------------------------------

def _changes(user, period) -> bool:
    return RotationPeriod.objects.visible_to(user, "change").filter(pk=period.pk).exists()


def is_office(user, period: RotationPeriod) -> bool:
    """The Ministry, or the director's office of the period's centre (D93 art. 15)."""
    if not user.is_authenticated or not _changes(user, period):
        return False
    if is_ministry(user):
        return True
    return period.regime == Regime.D93 and holds(user, Role.HOSPITAL_DIRECTOR_OFFICE,
                                                  hospital_centre=period.hospital_centre_id)


def can_set_seats(user, period: RotationPeriod) -> bool:
    """D93 art. 15: the seats are the dean's and the director's together; RD68: the Ministry's."""
    if is_office(user, period):
        return True
    return (period.regime == Regime.D93 and _changes(user, period)
            and holds(user, Role.DEAN_OFFICE, faculty=period.faculty_id))


def approvals_of(user, period: RotationPeriod) -> set[str]:
    """The approvals `user` gives: the dean's and/or the director's (the Ministry's for RD68)."""
    if not user.is_authenticated or not _changes(user, period):
        return set()
    if period.regime == Regime.RD68:
        return {DIRECTOR} if is_ministry(user) else set()
    if user.is_superuser:
        return {DEAN, DIRECTOR}
    found = set()
    if holds(user, Role.DEAN_OFFICE, faculty=period.faculty_id):
        found.add(DEAN)
    if holds(user, Role.HOSPITAL_DIRECTOR_OFFICE, hospital_centre=period.hospital_centre_id):
        found.add(DIRECTOR)
    return found


def creatable_centres(user):
    """The centres whose periods `user` may create (the Ministry: all), and whether they may
    create RD68 periods (the Ministry only)."""
    from residanat.referential.models import HospitalCentre

    if not user.is_authenticated:
        return HospitalCentre.objects.none(), False
    if is_ministry(user):
        return HospitalCentre.objects.all(), True
    ids = [a.hospital_centre_id for a in user.active_roles() if a.role == Role.HOSPITAL_DIRECTOR_OFFICE]
    return HospitalCentre.objects.filter(pk__in=ids), False


def missing_approvals(period: RotationPeriod) -> list[str]:
    needed = [DEAN, DIRECTOR] if period.regime == Regime.D93 else [DIRECTOR]
    return [who for who in needed if getattr(period, f"seats_approved_by_{who}_id") is None]


def _check_office(user, period) -> None:
    if not is_office(user, period):
        raise PermissionDenied(_("Seul le bureau de la période (direction du centre ou ministère) peut faire cela."))


def _lock(period: RotationPeriod) -> RotationPeriod:
    return RotationPeriod.objects.select_for_update(of=("self",)).get(pk=period.pk)


def _art(period) -> str:
    return "D93 art. 15" if period.regime == Regime.D93 else "RD68 ch. 5"


# --- creating the period and its seats -----------------------------------------------------------

def default_faculty(hospital_centre, track):
    """The faculty of a centre's period left blank: the centre's only faculty, else its only one
    of the track's kind (dental medicine: the faculty of dental medicine; medicine and pharmacy:
    the faculty of medicine and pharmacy); None when that is still not one."""
    faculties = list(hospital_centre.faculties.all())
    if len(faculties) == 1:
        return faculties[0]
    kind = Faculty.Kind.FMD if track == Specialty.TrackChoice.DENTAL else Faculty.Kind.FMP
    of_kind = [f for f in faculties if f.kind == kind]
    return of_kind[0] if len(of_kind) == 1 else None


def do_create_period(*, regime, track, hospital_centre, faculty, label, start, end, by) -> RotationPeriod:
    if regime == Regime.D93:
        if hospital_centre is None:
            raise ValidationError(
                _("Une période de stage des internes appartient à un centre hospitalier (D93 art. 15)."))
        if not (is_ministry(by) or holds(by, Role.HOSPITAL_DIRECTOR_OFFICE, hospital_centre=hospital_centre.pk)):
            raise PermissionDenied
        faculties = list(hospital_centre.faculties.all())
        if faculty is None:
            faculty = default_faculty(hospital_centre, track)
        if faculty is None or faculty not in faculties:
            raise ValidationError(_("Choisissez la faculté liée au centre hospitalier (D93 art. 15 : places "
                                    "arrêtées par le doyen et le directeur)."))
    else:
        if not is_ministry(by):
            raise PermissionDenied
        if hospital_centre is not None or faculty is not None:
            raise ValidationError(_("Une période des internes des hôpitaux de santé publique n'a ni centre "
                                    "hospitalier ni faculté (RD68 ch. 5)."))
    if start is None or end is None or end < start:
        raise ValidationError(_("La fin de la période précède son début."))
    period = RotationPeriod(regime=regime, track=track, hospital_centre=hospital_centre, faculty=faculty,
                            label=(label or "").strip(), start_date=start, end_date=end, created_by=by)
    period.full_clean(exclude=["created_by"])
    with transaction.atomic():
        period.save()
    return period


def seat_services(period: RotationPeriod):
    """The services a period may open: those of the centre's establishments (D93), those of the
    establishments without a centre, the Ministry's hospitals (RD68)."""
    services = HospitalService.objects.select_related("establishment")
    if period.regime == Regime.D93:
        return services.filter(establishment__hospital_centre=period.hospital_centre_id)
    return services.filter(establishment__hospital_centre__isnull=True)


def do_set_seats(period: RotationPeriod, seats: dict, by) -> RotationPeriod:
    """Set the seats of some services (0 removes the service). Any change clears the approvals:
    the dean and the director (or the Ministry) approve the table as it stands."""
    if not can_set_seats(by, period):
        raise PermissionDenied
    allowed = set(seat_services(period).values_list("pk", flat=True))
    with transaction.atomic():
        period = _lock(period)
        if period.state != State.PREPARING:
            raise ValidationError(_("Les places ne se modifient plus une fois les vœux ouverts (%(ref)s).")
                                  % {"ref": _art(period)})
        current = dict(period.seats.values_list("service_id", "seats"))
        changed = False
        for service, number in seats.items():
            if service.pk not in allowed:
                raise ValidationError(
                    _("Le service « %(name)s » n'appartient pas au centre hospitalier de la période (D93 art. 15).")
                    % {"name": service.name} if period.regime == Regime.D93 else
                    _("Le service « %(name)s » n'est pas dans un hôpital de santé publique (RD68 ch. 5).")
                    % {"name": service.name})
            if not isinstance(number, int) or not 0 <= number <= MAX_SEATS:
                raise ValidationError(_("Nombre de places invalide pour « %(name)s ».") % {"name": service.name})
            if current.get(service.pk, 0) == number:
                continue
            changed = True
            if number == 0:
                ServiceSeats.objects.filter(period=period, service=service).delete()
            else:
                ServiceSeats.objects.update_or_create(period=period, service=service, defaults={"seats": number})
        if changed:
            period.seats_approved_by_dean = period.seats_approved_by_director = None
            period.seats_approved_by_dean_at = period.seats_approved_by_director_at = None
            period.save(update_fields=["seats_approved_by_dean", "seats_approved_by_director",
                                       "seats_approved_by_dean_at", "seats_approved_by_director_at"])
    return period


def do_approve_seats(period: RotationPeriod, by) -> RotationPeriod:
    """D93 art. 15: the seats are set by the dean and the hospital director, each approving the
    table; RD68: by the Ministry."""
    roles = approvals_of(by, period)
    if not roles:
        raise PermissionDenied
    with transaction.atomic():
        period = _lock(period)
        if period.state != State.PREPARING:
            raise ValidationError(_("Les vœux sont déjà ouverts : les places sont arrêtées."))
        if not period.seats.filter(seats__gt=0).exists():
            raise ValidationError(_("Aucune place à arrêter : saisissez d'abord les places par service (%(ref)s).")
                                  % {"ref": _art(period)})
        todo = [who for who in sorted(roles) if getattr(period, f"seats_approved_by_{who}_id") is None]
        if not todo:
            raise ValidationError(_("Vous avez déjà arrêté ces places."))
        for who in todo:
            setattr(period, f"seats_approved_by_{who}", by)
            setattr(period, f"seats_approved_by_{who}_at", timezone.now())
        period.save(update_fields=[f"seats_approved_by_{who}{suffix}" for who in todo for suffix in ("", "_at")])
    return period


# --- the wishes ----------------------------------------------------------------------------------

def concerned_statuses(period: RotationPeriod) -> list[TraineeStatus]:
    """Who chooses: D93, the interns of the centre and track in force on the first day with
    rotations still to do; RD68, the public-health interns and 7th-year students with intern
    duties in force on that day."""
    on = period.start_date
    statuses = (TraineeStatus.objects.filter(start_date__lte=on)
                .filter(Q(end_date__isnull=True) | Q(end_date__gte=on)).select_related("person"))
    if period.regime == Regime.RD68:
        return list(statuses.filter(kind__in=RD68_KINDS))
    statuses = list(statuses.filter(kind=Kind.INTERN, hospital_centre=period.hospital_centre_id, track=period.track))
    done = done_by_status(statuses)
    return [s for s in statuses if rotation_rules.rotations_left(done[s.pk], on) > 0]


def do_open_wishes(period: RotationPeriod, deadline: dt.datetime, by) -> RotationPeriod:
    """Open the wishes until `deadline` (or move the deadline while they are open). The call
    order is seniority then competition rank (RD68 ch. 5; D93 art. 15, decision 0012)."""
    _check_office(by, period)
    with transaction.atomic():
        period = _lock(period)
        if period.state == State.ASSIGNED:
            raise ValidationError(_("Les services de cette période sont déjà attribués."))
        if deadline is None or deadline <= timezone.now():
            raise ValidationError(_("La date limite des vœux doit être dans l'avenir."))
        if period.state == State.WISHES_OPEN:
            period.wishes_deadline = deadline
            period.save(update_fields=["wishes_deadline"])
            return period
        if missing_approvals(period):
            raise ValidationError(
                _("Les places par service doivent être arrêtées par le doyen et par le directeur du centre "
                  "hospitalier avant l'ouverture des vœux (D93 art. 15).") if period.regime == Regime.D93 else
                _("Les places doivent être arrêtées par le ministère avant l'ouverture des vœux (RD68 ch. 5)."))
        statuses = concerned_statuses(period)
        if not statuses:
            raise ValidationError(_("Aucun stagiaire concerné par cette période au %(day)s.")
                                  % {"day": f"{period.start_date:%d/%m/%Y}"})
        by_pk = {s.pk: s for s in statuses}
        order = seniority_then_rank(Chooser(s.pk, s.start_date, s.merit_rank) for s in statuses)
        PeriodChooser.objects.bulk_create(
            PeriodChooser(period=period, status=by_pk[c.id], order=n) for n, c in enumerate(order, 1))
        period.wishes_deadline, period.state = deadline, State.WISHES_OPEN
        period.save(update_fields=["wishes_deadline", "state"])
    return period


def wishes_open(period: RotationPeriod, now=None) -> bool:
    now = now or timezone.now()
    return period.state == State.WISHES_OPEN and period.wishes_deadline is not None and now < period.wishes_deadline


def do_save_wishes(chooser: PeriodChooser, services, by) -> list[RotationWish]:
    """The chooser's ranked services (most wanted first), by the trainee or the period's office.
    Only services with seats; a service the regulation refuses is refused with its reason
    (D93 art. 14) and nothing is saved."""
    period = chooser.period
    own = by.is_authenticated and chooser.status.person.user_id == by.pk
    if not own and not is_office(by, period):
        raise PermissionDenied
    ids = distinct((getattr(s, "pk", s) for s in services),
                   _("Un service ne peut figurer qu'une fois dans la liste des vœux."))
    with transaction.atomic():
        period = _lock(period)
        if not wishes_open(period):
            raise ValidationError(_("Les vœux ne sont pas ouverts pour cette période (ou la date limite est passée)."))
        offered = {s.service_id: s.service for s in period.seats.filter(seats__gt=0).select_related("service")}
        errors = []
        done = done_rotations(chooser.status)
        for sid in ids:
            service = offered.get(sid)
            if service is None:
                errors.append(_("Le service n° %(id)s n'a pas de place dans cette période.") % {"id": sid})
                continue
            failure = choice_refusal(chooser.status, service, period.start_date, done)
            if failure is not None:
                errors.append(f"{service.name} : {refusal_message(failure)}")
        if errors:
            raise ValidationError(errors)
        return do_replace_wish_list(chooser, chooser.wishes, [
            RotationWish(chooser=chooser, rank=n, service=offered[sid]) for n, sid in enumerate(ids, 1)])


# --- the assignment ------------------------------------------------------------------------------

@dataclass
class Assignment:
    rotations: list[Rotation] = field(default_factory=list)
    unassigned: list[PeriodChooser] = field(default_factory=list)
    result: dict = field(default_factory=dict)


def period_offer(period: RotationPeriod) -> Offer:
    """What the engine gets: the services with seats, the choosers in the call order with their
    wishes still allowed (a rotation recorded since may have closed one)."""
    seats = {s.service_id: s for s in period.seats.filter(seats__gt=0).select_related("service")}
    choosers = list(period.choosers.select_related("status__person").prefetch_related("wishes__service")
                    .order_by("order"))
    wishers = []
    for chooser in choosers:
        done = done_rotations(chooser.status)
        prefs = tuple(str(w.service_id) for w in chooser.wishes.all()
                      if w.service_id in seats
                      and choice_refusal(chooser.status, w.service, period.start_date, done) is None)
        wishers.append(Wisher(str(chooser.pk), chooser.order, prefs, chooser))
    return Offer(programs=[Program(str(sid), s.seats, s.service) for sid, s in seats.items()], wishers=wishers)


def _take_service_seats(period: RotationPeriod, services) -> None:
    """A seat per service given, each held by a rotation of the period."""
    names = {s.pk: s.name for s in services}
    do_take_counted_seats(
        ServiceSeats.objects.filter(period=period), Counter(s.pk for s in services), key="service_id",
        capacity="seats", takers=Rotation.objects.filter(period=period), taker_key="service",
        full=lambda sid: _("Plus de place dans le service « %(name)s » pour cette période.") % {"name": names[sid]})


def do_assign_period(period: RotationPeriod, by, now=None) -> Assignment:
    """After the deadline: each chooser, in the call order, gets the first of their wishes with a
    seat left (serial dictatorship), recorded as their rotation for the period."""
    _check_office(by, period)
    now = now or timezone.now()
    with transaction.atomic():
        period = _lock(period)
        if period.state != State.WISHES_OPEN:
            raise ValidationError(_("L'attribution se fait une fois les vœux ouverts puis clos."))
        if period.wishes_deadline is None or now < period.wishes_deadline:
            raise ValidationError(_("L'attribution se fait après la date limite des vœux (%(at)s).")
                                  % {"at": f"{timezone.localtime(period.wishes_deadline):%d/%m/%Y %H:%M}"})

        def record(allocation):
            return Assignment(result=allocation.result,
                              unassigned=[p.wisher.item for p in allocation.placed if p.program is None])

        def take_seats(placed):
            _take_service_seats(period, [p.program.item for p in placed])
            return [do_assign_rotation(status=p.wisher.item.status, service=p.program.item, start=period.start_date,
                                       end=period.end_date, by=by, period=period, check_permission=False)
                    for p in placed]

        _allocation, done, rotations = do_place(period_offer(period), record=record, take_seats=take_seats)
        done.rotations = rotations
        period.state, period.assigned_at = State.ASSIGNED, now
        period.save(update_fields=["state", "assigned_at"])
    return done


def do_assign_by_hand(period: RotationPeriod, chooser: PeriodChooser, service, by) -> Rotation:
    """A chooser left without a service, put by the office in a service with a seat left; the
    regulation's refusal (D93 art. 14) applies as to a wish."""
    _check_office(by, period)
    with transaction.atomic():
        period = _lock(period)
        if period.state != State.ASSIGNED:
            raise ValidationError(_("L'attribution à la main se fait après l'attribution par le mérite."))
        if chooser.period_id != period.pk:
            raise ValidationError(_("Ce stagiaire ne choisit pas dans cette période."))
        if Rotation.objects.filter(period=period, status=chooser.status_id).exists():
            raise ValidationError(_("Ce stagiaire a déjà un service pour cette période."))
        _take_service_seats(period, [service])
        failure = choice_refusal(chooser.status, service, period.start_date)
        if failure is not None:
            raise ValidationError(f"{service.name} : {refusal_message(failure)}", code=failure.code)
        return do_assign_rotation(status=chooser.status, service=service, start=period.start_date,
                                  end=period.end_date, by=by, period=period, check_permission=False)


# --- what the pages and the API show -------------------------------------------------------------

@dataclass
class SeatLine:
    seats: ServiceSeats
    filled: int

    @property
    def left(self) -> int:
        return max(0, self.seats.seats - self.filled)


def seat_lines(period: RotationPeriod) -> list[SeatLine]:
    filled = dict(Rotation.objects.filter(period=period).values("service").annotate(n=Count("pk"))
                  .values_list("service", "n"))
    return [SeatLine(s, filled.get(s.service_id, 0))
            for s in period.seats.select_related("service__establishment")]


def done_by_status(statuses) -> dict[int, list[rotation_rules.Done]]:
    """`rotations.done_rotations` (validated or under way) for many statuses in one query."""
    done: dict[int, list] = {s.pk: [] for s in statuses}
    for status_id, service_id, kind in (Rotation.objects.filter(status__in=list(done))
                                        .exclude(outcome=Rotation.Outcome.NOT_VALIDATED)
                                        .values_list("status_id", "service_id", "service__kind")):
        done[status_id].append(rotation_rules.Done(service_id, kind))
    return done


def missing_for(status: TraineeStatus, done, on: dt.date) -> list[rotation_rules.Missing]:
    """The mandatory rotations the intern still owes (D93 art. 14); none outside the D93 internat."""
    if status.kind != Kind.INTERN:
        return []
    return rotation_rules.missing(status.track, done, on)


def options_for(chooser: PeriodChooser) -> list[tuple[ServiceSeats, str | None]]:
    """Every service with seats in the chooser's period, with the reason it is refused to them
    (None when they may choose it)."""
    period = chooser.period
    options = []
    done = done_rotations(chooser.status)
    for seats in period.seats.filter(seats__gt=0).select_related("service__establishment"):
        failure = choice_refusal(chooser.status, seats.service, period.start_date, done)
        options.append((seats, refusal_message(failure) if failure else None))
    return options
