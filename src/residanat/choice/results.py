"""The outcome of a choice of posts (issue 5 §9): who took which post, from the choices in force,
and per post its seats, how many were filled and its cutoff (the call order of the last laureate
who took it). Before the session is closed the same computation gives the provisional state.

Nothing here writes: the documents and the publication entry of the log are in documents.py.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from residanat.concours.models import Competition

from .models import Choice, ChoiceSession, Chooser, LogEntry, Post

State = ChoiceSession.State
# The entries after which nothing changes the seats any more.
CLOSING_KINDS = ("session_closed", "final_round")


def sees_every_laureate(user, session: ChoiceSession) -> bool:
    """The staff of the competition's scope (editors and viewers) see the whole list and its
    documents; a laureate sees the session only for their own place (scope "self")."""
    return Competition.objects.visible_to(user).filter(pk=session.competition_id).exists()


def is_final(session: ChoiceSession) -> bool:
    return session.state == State.CLOSED


def closed_at(session: ChoiceSession):
    """When the session was closed (the live session's closing or the binding round), from the log."""
    return (LogEntry.objects.filter(session=session, kind__in=CLOSING_KINDS).order_by("-seq")
            .values_list("at", flat=True).first())


def _name(obj, language: str) -> str:
    # Specialty and centre names in the document's language, French when the Arabic is missing.
    return (obj.name_ar or obj.name_fr) if language == "ar" else obj.name_fr


@dataclass
class AssignmentRow:
    order: int
    number: str
    name_fr: str
    name_ar: str
    seat_type: str
    seat_type_label: str
    presence: str
    presence_label: str
    post_id: int | None = None
    post_code: str = ""
    specialty: str = ""
    centre: str = ""
    method: str = ""
    method_label: str = ""
    proxy_name: str = ""
    at: object = None

    @property
    def assigned(self) -> bool:
        return self.post_id is not None


@dataclass
class PostLine:
    id: int
    code: str
    specialty: str
    centre: str
    seat_type: str
    seat_type_label: str
    group_label: str
    capacity: int
    filled: int
    remaining: int
    quota: str
    cutoff: int | None  # call order of the last laureate who took it; None while nobody did


@dataclass
class Results:
    session: ChoiceSession
    final: bool
    rows: list[AssignmentRow]
    posts: list[PostLine]
    choosers: int  # every laureate called to choose (not only those in the caller's view)
    assigned: int
    closed_at: object = None
    by_seat_type: list[tuple[str, int, int]] = field(default_factory=list)  # (label, seats, filled)

    @property
    def without_post(self) -> int:
        return self.choosers - self.assigned


def choices_in_force(session: ChoiceSession, user):
    return (Choice.objects.visible_to(user)
            .filter(chooser__session=session, undone_at__isnull=True)
            .select_related("chooser__candidate__person", "post__specialty", "post__centre"))


def assignment_rows(session: ChoiceSession, user, language: str | None = None) -> list[AssignmentRow]:
    """Every laureate the user may see, in call order, with their choice in force (if any)."""
    language = language or translation.get_language() or "fr"
    with translation.override(language):
        by_chooser = {c.chooser_id: c for c in choices_in_force(session, user)}
        closed = is_final(session)
        rows = []
        for chooser in (Chooser.objects.visible_to(user).filter(session=session)
                        .select_related("candidate__person").order_by("order")):
            person = chooser.candidate.person
            row = AssignmentRow(
                order=chooser.order, number=chooser.candidate.number, name_fr=person.full_name,
                name_ar=person.full_name_ar, seat_type=chooser.seat_type,
                seat_type_label=str(chooser.get_seat_type_display()), presence=chooser.presence,
                presence_label=str(chooser.get_presence_display()))
            choice = by_chooser.get(chooser.pk)
            if choice is None and closed and chooser.presence == Chooser.Presence.WAITING:
                # Closed with laureates never called: no seat open to them was left (sessions.do_close_session).
                row.presence_label = str(_("plus de poste ouvert à son statut"))
            if choice is not None:
                row.post_id, row.post_code = choice.post_id, choice.post.code
                row.specialty = _name(choice.post.specialty, language)
                row.centre = _name(choice.post.centre, language) if choice.post.centre_id else ""
                row.method, row.method_label = choice.method, str(choice.get_method_display())
                row.proxy_name, row.at = choice.proxy_name, choice.at
            rows.append(row)
        return rows


def post_lines(session: ChoiceSession, language: str | None = None) -> list[PostLine]:
    """Per post: seats, filled, left and cutoff, from every choice in force of the session. The
    figures are no one's personal data: whoever sees the session sees them (the board shows them
    in the amphitheatre)."""
    language = language or translation.get_language() or "fr"
    filled: dict[int, int] = defaultdict(int)
    cutoff: dict[int, int] = {}
    for post_id, order in (Choice.objects.filter(chooser__session=session, undone_at__isnull=True)
                           .values_list("post_id", "chooser__order")):
        filled[post_id] += 1
        cutoff[post_id] = max(order, cutoff.get(post_id, 0))
    with translation.override(language):
        lines = []
        for post in (Post.objects.filter(session=session).select_related("specialty", "centre", "quota")
                     .order_by("seat_type", "group", "specialty__name_fr", "code")):
            lines.append(PostLine(
                id=post.pk, code=post.code, specialty=_name(post.specialty, language),
                centre=_name(post.centre, language) if post.centre_id else "",
                seat_type=post.seat_type, seat_type_label=str(post.get_seat_type_display()),
                group_label=str(post.get_group_display()), capacity=post.capacity, filled=filled[post.pk],
                remaining=post.remaining, quota=post.quota.code if post.quota_id else "",
                cutoff=cutoff.get(post.pk)))
        return lines


def _by_seat_type(lines: list[PostLine]) -> list[tuple[str, int, int]]:
    # Posts of one pool share its seats: count the pool once, not once per post.
    totals: dict[str, list] = {}
    pools_seen = set()
    for line in lines:
        entry = totals.setdefault(line.seat_type_label, [0, 0])
        entry[1] += line.filled
        if line.quota:
            if line.quota in pools_seen:
                continue
            pools_seen.add(line.quota)
        entry[0] += line.capacity
    return [(label, seats, used) for label, (seats, used) in totals.items()]


def compute(session: ChoiceSession, user, language: str | None = None) -> Results:
    """The assignment list as `user` may see it, and the per-post table."""
    rows = assignment_rows(session, user, language)
    lines = post_lines(session, language)
    return Results(
        session=session, final=is_final(session), rows=rows, posts=lines,
        choosers=Chooser.objects.filter(session=session).count(),
        assigned=Choice.objects.filter(chooser__session=session, undone_at__isnull=True).count(),
        closed_at=closed_at(session) if is_final(session) else None,
        by_seat_type=_by_seat_type(lines),
    )


def own_choice(chooser: Chooser) -> Choice | None:
    return (chooser.choices.filter(undone_at__isnull=True)
            .select_related("post__specialty", "post__centre", "post__quota").first())


def local_date(value):
    return timezone.localdate(value) if value else None
