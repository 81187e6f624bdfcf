"""Disciplinary cases and service commitments under /api/v1/discipline (read): the cases with their
deadlines and log, and the commitments with their progress and the sums received.

Scope as on the pages: DisciplinaryCase.objects.visible_to and Commitment.objects.visible_to (the
roles that take part, and the person); outside, 404. The steps are taken on the pages, where the
services refuse with the article."""

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from residanat.discipline import cases, commitments
from residanat.discipline.models import Commitment, DisciplinaryCase
from residanat.rules import discipline as rules

from .common import Pages

router = Router(tags=["discipline"])


class CaseOut(Schema):
    id: int
    status_id: int
    person_id: int = Field(alias="status.person_id")
    regime: str
    state: DisciplinaryCase.State
    file_opened_on: dt.date | None
    hearing_on: dt.date | None
    referred_on: dt.date | None
    opinion_due_on: dt.date | None
    opinion_late: bool
    proposal: str
    decision: str
    decision_start: dt.date | None
    decision_end: dt.date | None
    decided_on: dt.date | None

    @staticmethod
    def resolve_opinion_late(obj):
        return obj.state == DisciplinaryCase.State.REFERRED and rules.is_late(obj.opinion_due_on, timezone.localdate())


class CaseEventOut(Schema):
    seq: int
    at: dt.datetime
    kind: str
    actor: str
    payload: dict
    hash: str


class CaseDetailOut(CaseOut):
    committee: dict
    log_ok: bool = Field(description="the hash chain of the case's log checks out")
    events: list[CaseEventOut]

    @staticmethod
    def resolve_log_ok(obj):
        return cases.verify(obj).ok

    @staticmethod
    def resolve_events(obj):
        return list(obj.events.order_by("seq"))


class CommitmentOut(Schema):
    id: int
    status_id: int
    person_id: int
    counterpart: Commitment.Counterpart
    signed_on: dt.date
    state: Commitment.State
    served_days: int
    credited_days: int
    required_days: int
    percent: int  # the same share as the pages: 0 while no period of service is recorded
    expected_end: dt.date | None
    sums_received: Decimal


def _cases(user):
    return DisciplinaryCase.objects.visible_to(user).select_related("status")


@router.get("/cases", response=list[CaseOut], url_name="discipline-cases")
@paginate(Pages, max_limit=200)
def list_cases(request, state: DisciplinaryCase.State | None = None):
    found = _cases(request.auth)
    return (found.filter(state=state) if state else found).order_by("-opened_at", "-pk")


@router.get("/cases/{int:case_id}", response=CaseDetailOut, url_name="discipline-case")
def get_case(request, case_id: int):
    """A case with its committee (the draw's seed, list and result) and its log, verified."""
    return get_object_or_404(_cases(request.auth), pk=case_id)


def _commitment_out(commitment: Commitment) -> dict:
    progress = commitments.progress(commitment, timezone.localdate())
    return {"id": commitment.pk, "status_id": commitment.status_id, "person_id": commitment.status.person_id,
            "counterpart": commitment.counterpart, "signed_on": commitment.signed_on, "state": commitment.state,
            "served_days": progress.served_days, "credited_days": progress.credited_days,
            "required_days": progress.required_days,
            "percent": progress.percent, "expected_end": progress.expected_end,
            "sums_received": commitments.sums_received(commitment).total}


@router.get("/commitments/{int:commitment_id}", response=CommitmentOut, url_name="discipline-commitment")
def get_commitment(request, commitment_id: int):
    """A commitment with its progress (D93 art. 27: listed under-staffed years counted double) and
    the sums received under the decree (closed payroll runs)."""
    commitment = get_object_or_404(Commitment.objects.visible_to(request.auth).select_related("status"),
                                   pk=commitment_id)
    return _commitment_out(commitment)
