"""A status's leave and residency years, and the doctorate alerts (under /api/v1/careers), always
read through `visible_to(user)`: a status outside the caller's scope answers 404."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from pydantic import ConfigDict

from residanat.careers.leave import do_record_leave
from residanat.careers.models import Leave, ResidencyYear
from residanat.careers.residency import doctorate_alerts
from residanat.people.models import TraineeStatus

from .common import IsoDate, Message

router = Router(tags=["careers"])


class LeaveOut(Schema):
    id: int
    status_id: int
    kind: Leave.Kind
    start_date: dt.date
    end_date: dt.date
    reference: str
    needs_second_approval: bool
    in_force: bool = Field(description="false while a resident's leave waits for the second approval (D93 art. 28)")
    recorded_at: dt.datetime


class LeaveIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: Leave.Kind
    start_date: IsoDate
    end_date: IsoDate
    reference: str = Field("", max_length=200)


class ResidencyYearOut(Schema):
    id: int
    number: int
    start_date: dt.date
    end_date: dt.date
    outcome: ResidencyYear.Outcome
    reference: str
    decided_at: dt.datetime | None


class DoctorateAlertOut(Schema):
    status_id: int
    person_id: int
    person: str
    specialty: str
    start_date: dt.date
    deadline: dt.date
    days_left: int = Field(description="negative once the deadline has passed")
    ref: str = "D93 art. 21"


def _status(request, status_id: int) -> TraineeStatus:
    return get_object_or_404(TraineeStatus.objects.visible_to(request.auth), pk=status_id)


@router.get("/statuses/{int:status_id}/leaves", response=list[LeaveOut], url_name="careers-status-leaves")
def list_leaves(request, status_id: int):
    status = _status(request, status_id)
    return Leave.objects.visible_to(request.auth).filter(status=status).order_by("start_date", "pk")


@router.post("/statuses/{int:status_id}/leaves", response={201: LeaveOut, 400: Message, 403: Message},
             url_name="careers-status-leave-create")
def create_leave(request, status_id: int, payload: LeaveIn):
    """Record a leave or an absence; a refusal (400) states the rule and its article."""
    status = _status(request, status_id)
    try:
        leave = do_record_leave(status, payload.kind, payload.start_date, payload.end_date, payload.reference,
                                request.auth)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or _("Votre rôle ne permet pas d'enregistrer ce congé.")) from None
    except DjangoValidationError as exc:
        return 400, {"detail": " ".join(exc.messages)}
    return 201, leave


@router.get("/statuses/{int:status_id}/residency-years", response=list[ResidencyYearOut],
            url_name="careers-residency-years")
def list_residency_years(request, status_id: int):
    status = _status(request, status_id)
    return ResidencyYear.objects.visible_to(request.auth).filter(status=status).order_by("start_date", "pk")


@router.get("/doctorate-alerts", response=list[DoctorateAlertOut], url_name="careers-doctorate-alerts")
def list_doctorate_alerts(request, today: IsoDate | None = None):
    """Residents admitted on titles as interns, without the doctorate, whose deadline (end of the
    first residency year) is near or passed. `today` defaults to the server's date."""
    return [
        {"status_id": a.status.pk, "person_id": a.status.person_id, "person": a.status.person.full_name,
         "specialty": a.status.specialty.name, "start_date": a.status.start_date, "deadline": a.deadline,
         "days_left": a.days_left}
        for a in doctorate_alerts(request.auth, today or timezone.localdate())
    ]
