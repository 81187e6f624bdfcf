"""Creating a choice session from a deliberated competition, and which posts each laureate may
choose. `do_create_session` is the only way a session comes to exist."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from residanat.concours.merit import ADMITTED_OUTCOMES
from residanat.concours.models import Candidate, Competition, MeritEntry, MeritList, PostAllocation
from residanat.concours.scope import can_change_competition
from residanat.referential.models import Specialty

from . import board, log
from .models import ChoiceSession, Chooser, Post, Quota
from .seats import remaining_by_post

Seat = PostAllocation.SeatType
SEAT_SUFFIX = {Seat.CONTRACT: "", Seat.FOREIGN_VOLUNTEER: "#VOL", Seat.PUBLIC_ADMINISTRATION: "#ADM",
               Seat.MILITARY: "#MIL"}
ALL_GROUPS = list(Specialty.Group.values)
ALL_TRACKS = list(Specialty.TrackChoice.values)


def check_can_run(user, session_or_competition) -> None:
    competition = getattr(session_or_competition, "competition", session_or_competition)
    if not can_change_competition(user, competition):
        raise PermissionDenied(_("Vous ne pouvez pas conduire le choix des postes de ce concours."))


def lock_session(session: ChoiceSession) -> ChoiceSession:
    """The session row, locked for the rest of the transaction: every write of a session (seat,
    log entry, round) goes through this lock, so they queue in one order. (On SQLite the IMMEDIATE
    transaction already holds the database's write lock.)"""
    return ChoiceSession.objects.select_for_update(of=("self",)).select_related("competition").get(pk=session.pk)


def seat_type_of(entry) -> str:
    """The posts a laureate chooses among (issue 5 §8): foreigners the volunteer posts, military
    assistants on titles the military posts, art. 27 bis candidates their administration's posts,
    everybody else the contract posts."""
    if entry.outcome == MeritEntry.Outcome.ADMITTED_FOREIGN:
        return Seat.FOREIGN_VOLUNTEER
    if entry.seat_type == Seat.MILITARY:
        return Seat.MILITARY
    if entry.candidate.public_administration:
        return Seat.PUBLIC_ADMINISTRATION
    return Seat.CONTRACT


def call_order(entries) -> list:
    """Laureates in the order they choose. D93 is silent on where those admitted on titles
    (art. 21 1.a/1.b, no rank) choose: by default before the laureates of the tests, in the order of
    their candidate numbers (setting CHOICE_TITLES_FIRST, decision 0011); then by merit rank."""
    titles = sorted((e for e in entries if e.outcome == MeritEntry.Outcome.ADMITTED_ON_TITLES),
                    key=lambda e: e.candidate.number)
    ranked = sorted((e for e in entries if e.outcome != MeritEntry.Outcome.ADMITTED_ON_TITLES),
                    key=lambda e: (e.pool, e.rank, e.candidate.number))
    return titles + ranked if settings.CHOICE_TITLES_FIRST else ranked + titles


def _openings(candidate: Candidate) -> tuple[list[str], list[str]]:
    # D93 art. 21: veterinary doctors compete for the biology specialties only, whatever the track.
    if candidate.diploma == Candidate.Diploma.VETERINARY:
        return ALL_TRACKS, [Specialty.Group.BIOLOGICAL]
    return [candidate.track], ALL_GROUPS


@transaction.atomic
def do_create_session(competition: Competition, by) -> ChoiceSession:
    """Posts from the competition's allocations, laureates from its locked merit list."""
    check_can_run(by, competition)
    competition = Competition.objects.select_for_update(of=("self",)).select_related("hospital_centre").get(pk=competition.pk)
    if ChoiceSession.objects.filter(competition=competition).exists():
        raise ValidationError(_("Le choix des postes de ce concours existe déjà."))
    if competition.kind != Competition.Kind.RESIDANAT:
        # Internat rotations and RD68 work places reuse the engine in the careers module.
        raise ValidationError(_("Le choix des postes par spécialité concerne le résidanat."))
    if competition.state not in (Competition.State.DELIBERATED, Competition.State.PUBLISHED):
        raise ValidationError(_("Le choix des postes suit la délibération du jury."))
    merit_list = (MeritList.objects.filter(competition=competition, locked_at__isnull=False)
                  .order_by("-version").first())
    if merit_list is None:
        raise ValidationError(_("Aucune liste de mérite délibérée."))
    session = ChoiceSession.objects.create(competition=competition, merit_list=merit_list, created_by=by)
    centre = competition.hospital_centre
    centre_code = centre.code if centre else competition.faculty.code

    allocations = list(PostAllocation.objects.filter(competition=competition).select_related("specialty"))
    posts: list[Post] = []
    for a in allocations:
        if a.specialty_id is None:
            continue
        posts.append(Post(
            session=session, code=f"{centre_code}-{a.group}-{a.specialty.code}{SEAT_SUFFIX[a.seat_type]}",
            specialty=a.specialty, centre=centre, seat_type=a.seat_type, group=a.group, track=a.track,
            capacity=a.seats, allocation=a))
    # A pool per group (decision 0005): one post per specialty of the group and track open in this
    # competition, each up to the pool's seats, all within the pool's quota.
    for a in allocations:
        if a.specialty_id is not None:
            continue
        quota = Quota.objects.create(
            session=session, code=f"{centre_code}-{a.group}-{a.track}{SEAT_SUFFIX[a.seat_type]}",
            seat_type=a.seat_type, group=a.group, track=a.track, capacity=a.seats)
        specialties = {b.specialty_id: b.specialty for b in allocations
                       if b.specialty_id and b.group == a.group and b.track == a.track}
        for specialty in sorted(specialties.values(), key=lambda s: s.name_fr):
            posts.append(Post(
                session=session, code=f"{centre_code}-{a.group}-{specialty.code}{SEAT_SUFFIX[a.seat_type]}",
                specialty=specialty, centre=centre, seat_type=a.seat_type, group=a.group, track=a.track,
                capacity=a.seats, quota=quota, allocation=a))
    Post.objects.bulk_create(posts)

    entries = [e for e in merit_list.entries.select_related("candidate__person") if e.outcome in ADMITTED_OUTCOMES]
    choosers = []
    for order, entry in enumerate(call_order(entries), 1):
        tracks, groups = _openings(entry.candidate)
        choosers.append(Chooser(session=session, candidate=entry.candidate, merit_entry=entry, order=order,
                                seat_type=seat_type_of(entry), tracks=tracks, groups=groups))
    Chooser.objects.bulk_create(choosers)
    log.do_append_entry(session, "session_created", {
        "competition": competition.slug, "merit_list_version": merit_list.version,
        "posts": {p.code: p.capacity for p in posts},
        "quotas": {q.code: q.capacity for q in session.quotas.all()},
        "order": [c.candidate.number for c in choosers],
    }, by)
    return session


def open_posts(chooser: Chooser, posts=None):
    """The posts a chooser may choose or wish for: their seat type, tracks and groups."""
    qs = posts if posts is not None else Post.objects.filter(session_id=chooser.session_id)
    return qs.filter(seat_type=chooser.seat_type, track__in=chooser.tracks, group__in=chooser.groups)


def is_open_to(chooser: Chooser, post: Post) -> bool:
    return (post.session_id == chooser.session_id and post.seat_type == chooser.seat_type
            and post.track in chooser.tracks and post.group in chooser.groups)


State = ChoiceSession.State


@transaction.atomic
def do_open_wishes(session: ChoiceSession, deadline, by, live_at=None) -> ChoiceSession:
    """Laureates may rank their wishes online until `deadline`; `live_at`, when given, is the
    announced day and time of the live session (shown on the public board until it opens)."""
    check_can_run(by, session)
    session = lock_session(session)
    if session.state not in (State.PREPARING, State.WISHES_OPEN):
        raise ValidationError(_("Les vœux ne peuvent plus être ouverts : le choix est en séance ou clos."))
    if deadline is None:
        raise ValidationError(_("Fixez la date limite des vœux."))
    if live_at is not None and live_at <= deadline:
        raise ValidationError(_("La séance de choix se tient après la date limite des vœux."))
    session.state = State.WISHES_OPEN
    session.wishes_deadline = deadline
    session.live_at = live_at
    session.version += 1  # the public board shows the date: its ETag must move
    session.save(update_fields=["state", "wishes_deadline", "live_at", "version"])
    board.changed(session)
    log.do_append_entry(session, "wishes_opened",
               {"deadline": deadline.isoformat(), "live_at": live_at.isoformat() if live_at else None}, by)
    return session


@transaction.atomic
def do_start_live(session: ChoiceSession, by, place: str = "") -> ChoiceSession:
    """The amphitheatre session: from now on seats are taken one call at a time."""
    check_can_run(by, session)
    session = lock_session(session)
    if session.state not in (State.PREPARING, State.WISHES_OPEN):
        raise ValidationError(_("La séance de choix ne peut commencer que sur un choix en préparation ou aux vœux ouverts."))
    session.state = State.LIVE
    session.live_place = place or session.live_place
    session.version += 1
    session.save(update_fields=["state", "live_place", "version"])
    board.changed(session)
    log.do_append_entry(session, "live_started", {"place": session.live_place}, by)
    return session


@transaction.atomic
def do_close_session(session: ChoiceSession, by, note: str = "") -> ChoiceSession:
    """Close the live session. Laureates still waiting must have been called: closing with some
    absent ones needs an observation (they keep no post)."""
    check_can_run(by, session)
    session = lock_session(session)
    if session.state != State.LIVE:
        raise ValidationError(_("Seule une séance de choix en cours peut être close."))
    waiting = session.choosers.filter(presence=Chooser.Presence.WAITING).count()
    if waiting and _has_open_post_for_waiting(session):
        raise ValidationError(_("%(n)s lauréats n'ont pas encore été appelés.") % {"n": waiting})
    absent = list(session.choosers.filter(presence=Chooser.Presence.ABSENT).values_list("candidate__number", flat=True))
    if absent and not note.strip():
        raise ValidationError(_("Des lauréats absents n'ont pas choisi : indiquez une observation pour clore."))
    session.state = State.CLOSED
    session.version += 1
    session.save(update_fields=["state", "version"])
    board.changed(session)
    log.do_append_entry(session, "session_closed", {"absent": absent, "note": note}, by)
    return session


def _has_open_post_for_waiting(session) -> bool:
    """Waiting laureates for whom no seat is left may be passed over when closing."""
    remaining = remaining_by_post(session)
    for chooser in session.choosers.filter(presence=Chooser.Presence.WAITING):
        if any(remaining.get(pid, 0) > 0 for pid in open_posts(chooser).values_list("pk", flat=True)):
            return True
    return False
