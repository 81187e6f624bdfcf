"""A trainee's timeline (computed dates with their articles, and the events in order), the
rotations of a service, and the head of service's validation on the four criteria of D93 art. 17.

A person or service outside the caller's scope answers 404; a rotation the caller sees but whose
service they do not head answers 403 on validation.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from residanat.careers.models import Rotation
from residanat.careers.rotations import do_validate_rotation, heads_service, validation_opens
from residanat.careers.scope import visible_person, visible_service
from residanat.careers.timeline import build_timeline

from .common import IsoDate, Message

router = Router(tags=["careers"])


class DateOut(Schema):
    code: str
    label: str
    day: dt.date
    ref: str = Field(description="the article the date comes from")
    note: str = Field(description="why the date moved from its plain value (rotations to redo, long sick leave)")
    reached: bool


class SpanOut(Schema):
    start: dt.date
    end: dt.date


class StatusDatesOut(Schema):
    status_id: int
    kind: str
    regime: str
    start_date: dt.date
    end_date: dt.date | None
    dates: list[DateOut]
    not_counted: list[SpanOut] = Field(description="periods that do not count as actual service")


class TimelineEventOut(Schema):
    kind: str = Field(description="status_start, status_end, rotation, leave, residency_year, degree, mission, "
                                  "document")
    start: dt.date
    end: dt.date | None
    title: str
    ref: str
    facts: dict[str, Any]


class AlertOut(Schema):
    code: str
    message: str
    ref: str
    level: str


class TimelineOut(Schema):
    person_id: int
    statuses: list[StatusDatesOut]
    events: list[TimelineEventOut]
    alerts: list[AlertOut]


class RotationOut(Schema):
    id: int
    status_id: int
    person_id: int
    person: str
    status_kind: str
    service_id: int
    start_date: dt.date
    end_date: dt.date
    is_redo: bool
    outcome: Rotation.Outcome
    attendance: bool | None
    knowledge: bool | None
    practical_skills: bool | None
    conduct: bool | None
    comment: str
    validated_at: dt.datetime | None
    validation_opens: dt.date

    @staticmethod
    def resolve_person_id(obj):
        return obj.status.person_id

    @staticmethod
    def resolve_person(obj):
        return obj.status.person.full_name

    @staticmethod
    def resolve_status_kind(obj):
        return obj.status.kind

    @staticmethod
    def resolve_validation_opens(obj):
        return validation_opens(obj)


class ValidationIn(Schema):
    """D93 art. 17: any criterion false means the rotation is not validated (a comment is then required)."""

    attendance: bool
    knowledge: bool
    practical_skills: bool
    conduct: bool
    comment: str = Field("", max_length=2000)


@router.get("/people/{int:person_id}/timeline", response=TimelineOut, url_name="careers-person-timeline")
def person_timeline(request, person_id: int):
    person = visible_person(request.auth, person_id)
    timeline = build_timeline(person, request.auth)
    return {
        "person_id": person.pk,
        "statuses": [{
            "status_id": b.status.pk, "kind": b.status.kind, "regime": b.status.regime,
            "start_date": b.status.start_date, "end_date": b.status.end_date,
            "dates": [vars(d) for d in b.dates],
            "not_counted": [{"start": s.start, "end": s.end} for s in b.not_counted],
        } for b in timeline.statuses],
        "events": [{"kind": e.kind, "start": e.start, "end": e.end, "title": e.title, "ref": e.ref, "facts": e.facts}
                   for e in timeline.events],
        "alerts": [vars(a) for a in timeline.alerts],
    }


def _rotations(request):
    return Rotation.objects.visible_to(request.auth).select_related("status__person")


@router.get("/services/{int:service_id}/rotations", response=list[RotationOut], url_name="careers-service-rotations")
def service_rotations(request, service_id: int, on: IsoDate | None = None):
    """The service's rotations the caller sees; `on`: only those covering that day."""
    rotations = _rotations(request).filter(service=visible_service(request.auth, service_id))
    if on is not None:
        rotations = rotations.filter(start_date__lte=on, end_date__gte=on)
    return rotations.order_by("start_date", "pk")


@router.post("/rotations/{int:rotation_id}/validation", response={200: RotationOut, 400: Message, 403: Message},
             url_name="careers-rotation-validation")
def validate_rotation(request, rotation_id: int, payload: ValidationIn):
    rotation = get_object_or_404(_rotations(request), pk=rotation_id)
    if not heads_service(request.auth, rotation.service_id):
        raise HttpError(403, _("Seul le chef de ce service valide ses stages (D93 art. 17)."))
    try:
        do_validate_rotation(rotation, by=request.auth, **payload.model_dump())
    except PermissionDenied:
        raise HttpError(403, _("Seul le chef de ce service valide ses stages (D93 art. 17).")) from None
    except DjangoValidationError as exc:
        return 400, {"detail": " ".join(exc.messages)}
    return _rotations(request).get(pk=rotation_id)
