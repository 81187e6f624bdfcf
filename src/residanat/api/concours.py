"""Competitions: sessions, posts, candidates and merit lists, always read through `visible_to`.

A competition or candidate outside the caller's scope answers 404. Identity numbers never leave
through this router: candidates are named by their candidate number (law 09-08, decision 0004).
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError as DjangoValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import ConfigDict

from residanat.concours.models import Candidate, Competition, MeritEntry, MeritList, PostAllocation
from residanat.concours.merit import explanation
from residanat.concours.workflow import do_transition

from .common import Message, Pages

router = Router(tags=["competitions"])


class CompetitionOut(Schema):
    slug: str
    kind: Competition.Kind
    year: int
    state: Competition.State
    faculty: str
    hospital_centre: str | None
    session_date: dt.date | None
    registration_closes_on: dt.date | None
    candidates: int

    @staticmethod
    def resolve_faculty(obj):
        return obj.faculty.code

    @staticmethod
    def resolve_hospital_centre(obj):
        return obj.hospital_centre.code if obj.hospital_centre else None

    @staticmethod
    def resolve_candidates(obj):
        return getattr(obj, "candidate_count", None) or obj.candidates.count()


class AllocationOut(Schema):
    seat_type: PostAllocation.SeatType
    group: str
    track: str
    specialty: str | None = None
    specialty_name: str | None = None
    seats: int
    source_line: int | None

    @staticmethod
    def resolve_specialty(obj):
        return obj.specialty.code if obj.specialty_id else None

    @staticmethod
    def resolve_specialty_name(obj):
        return obj.specialty.name_fr if obj.specialty_id else None


class CandidateOut(Schema):
    number: str
    last_name: str = Field(alias="person.last_name")
    first_name: str = Field(alias="person.first_name")
    last_name_ar: str = Field(alias="person.last_name_ar")
    first_name_ar: str = Field(alias="person.first_name_ar")
    nationality: str = Field(alias="person.nationality")
    route: Candidate.Route
    track: str
    state: Candidate.State
    attempt_number: int | None
    eligibility: list[dict]


class MeritEntryOut(Schema):
    number: str
    pool: str
    rank: int | None
    total: Decimal | None
    outcome: MeritEntry.Outcome
    seat_type: str
    rule: str
    threshold: Decimal | None
    explanation_fr: str
    explanation_ar: str

    @staticmethod
    def resolve_number(obj):
        return obj.candidate.number

    @staticmethod
    def resolve_explanation_fr(obj):
        return explanation(obj, "fr")

    @staticmethod
    def resolve_explanation_ar(obj):
        return explanation(obj, "ar")


class MeritListOut(Schema):
    version: int
    reason: str
    locked_at: dt.datetime | None
    tie_break: list
    seats: dict
    entries: list[MeritEntryOut]

    @staticmethod
    def resolve_entries(obj):
        return obj.entries.select_related("candidate").order_by("pool", "rank", "candidate__number")


class TransitionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    to: Competition.State
    note: str = ""


def _competition(request, slug):
    return get_object_or_404(Competition.objects.visible_to(request.auth).select_related("faculty", "hospital_centre"),
                             slug=slug)


@router.get("", response=list[CompetitionOut], url_name="competitions")
def list_competitions(request):
    return (Competition.objects.visible_to(request.auth).select_related("faculty", "hospital_centre")
            .annotate(candidate_count=Count("candidates")).order_by("-year", "slug"))


@router.get("/{slug}", response=CompetitionOut, url_name="competition")
def get_competition(request, slug: str):
    return _competition(request, slug)


@router.get("/{slug}/allocations", response=list[AllocationOut], url_name="competition-allocations")
def list_allocations(request, slug: str):
    return _competition(request, slug).allocations.select_related("specialty").order_by("group", "seat_type", "pk")


@router.get("/{slug}/candidates", response=list[CandidateOut], url_name="competition-candidates")
@paginate(Pages, max_limit=500)
def list_candidates(request, slug: str, state: Candidate.State | None = None):
    competition = _competition(request, slug)
    found = Candidate.objects.visible_to(request.auth).filter(competition=competition).select_related("person")
    if state:
        found = found.filter(state=state)
    return found.order_by("number")


@router.get("/{slug}/merit-list", response={200: MeritListOut, 404: Message}, url_name="competition-merit-list")
def merit_list(request, slug: str, version: int | None = None):
    """The latest version (or `version`): each candidate's rank, outcome and, for a foreign
    candidate, the rule applied and the threshold."""
    lists = MeritList.objects.visible_to(request.auth).filter(competition=_competition(request, slug))
    found = lists.filter(version=version).first() if version else lists.order_by("-version").first()
    if found is None:
        return 404, {"detail": _("Aucune liste de mérite.")}
    return found


@router.post("/{slug}/transitions", response={200: CompetitionOut, 400: Message, 403: Message},
             url_name="competition-transition")
def transition(request, slug: str, payload: TransitionIn):
    competition = _competition(request, slug)
    try:
        do_transition(competition, payload.to, request.auth, payload.note)
    except PermissionDenied:
        raise HttpError(403, _("Votre rôle ne permet pas cette étape.")) from None
    except DjangoValidationError as exc:
        return 400, {"detail": " ".join(exc.messages)}
    return _competition(request, slug)
