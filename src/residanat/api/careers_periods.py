"""The choice of services by merit each rotation period (D93 art. 14–15, RD68 ch. 5): the periods
in the caller's scope, one period's seats and fill, and the caller's own wishes, always read
through `visible_to`. A period outside the scope answers 404; the own-wishes operations answer
404 to anybody who does not choose in the period."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from residanat.careers import periods as svc
from residanat.careers.models import PeriodChooser, Rotation, RotationPeriod
from residanat.careers.rotations import done_rotations

from .common import Message

router = Router(tags=["careers"])


class PeriodOut(Schema):
    id: int
    regime: str
    track: str
    label: str
    hospital_centre: str | None
    faculty: str | None
    start_date: dt.date
    end_date: dt.date
    state: RotationPeriod.State
    wishes_deadline: dt.datetime | None
    # D93 art. 15: the dean's and the director's approvals; RD68: the Ministry's (as the director's).
    seats_approved_by_dean: bool
    seats_approved_by_director: bool

    @staticmethod
    def resolve_hospital_centre(obj):
        return obj.hospital_centre.code if obj.hospital_centre_id else None

    @staticmethod
    def resolve_faculty(obj):
        return obj.faculty.code if obj.faculty_id else None

    @staticmethod
    def resolve_seats_approved_by_dean(obj):
        return obj.seats_approved_by_dean_id is not None

    @staticmethod
    def resolve_seats_approved_by_director(obj):
        return obj.seats_approved_by_director_id is not None


class PeriodServiceOut(Schema):
    id: int
    code: str
    name_fr: str
    name_ar: str
    establishment: str


class SeatsOut(Schema):
    service: PeriodServiceOut
    seats: int
    filled: int
    left: int


class PeriodDetailOut(PeriodOut):
    seats: list[SeatsOut]

    @staticmethod
    def resolve_seats(obj):
        return [{"service": _service(line.seats.service), "seats": line.seats.seats, "filled": line.filled,
                 "left": line.left} for line in svc.seat_lines(obj)]


class OptionOut(Schema):
    service: PeriodServiceOut
    seats: int
    refused: str | None


class MyWishesOut(Schema):
    order: int
    open: bool
    wishes: list[PeriodServiceOut]
    options: list[OptionOut]
    missing_mandatory: list[str]
    assigned: PeriodServiceOut | None
    rotation_outcome: str | None


class WishesIn(Schema):
    services: list[int]


def _service(s) -> dict:
    return {"id": s.pk, "code": s.code, "name_fr": s.name_fr, "name_ar": s.name_ar,
            "establishment": s.establishment.code}


def _period(request, period_id) -> RotationPeriod:
    periods = RotationPeriod.objects.visible_to(request.auth).select_related("hospital_centre", "faculty")
    return get_object_or_404(periods, pk=period_id)


def _own(request, period_id) -> PeriodChooser:
    period = _period(request, period_id)
    return get_object_or_404(PeriodChooser.objects.visible_to(request.auth).select_related("period", "status__person"),
                             period=period, status__person__user=request.auth)


def _my_wishes(request, chooser) -> dict:
    period = chooser.period
    rotation = (Rotation.objects.visible_to(request.auth).filter(period=period, status=chooser.status)
                .select_related("service__establishment").first())
    language = get_language() or "fr"
    return {
        "order": chooser.order, "open": svc.wishes_open(period),
        "wishes": [_service(w.service) for w in chooser.wishes.select_related("service__establishment")],
        "options": [{"service": _service(s.service), "seats": s.seats, "refused": refusal}
                    for s, refusal in svc.options_for(chooser)],
        "missing_mandatory": [f"{m.requirement.label(language)} ({m.count})"
                              for m in svc.missing_for(chooser.status, done_rotations(chooser.status),
                                                       period.start_date)],
        "assigned": _service(rotation.service) if rotation else None,
        "rotation_outcome": rotation.outcome if rotation else None,
    }


@router.get("/periods", response=list[PeriodOut], url_name="careers-periods")
def list_periods(request):
    return RotationPeriod.objects.visible_to(request.auth).select_related("hospital_centre", "faculty")


@router.get("/periods/{int:period_id}", response=PeriodDetailOut, url_name="careers-period")
def get_period(request, period_id: int):
    """The period with each service's seats, filled (once assigned) and left."""
    return _period(request, period_id)


@router.get("/periods/{int:period_id}/my-wishes", response=MyWishesOut, url_name="careers-period-my-wishes")
def my_wishes(request, period_id: int):
    """The caller's place in the period: call order, wishes, the services with the reason each
    refused one is closed to them, the mandatory rotations still owed, the service obtained."""
    return _my_wishes(request, _own(request, period_id))


@router.put("/periods/{int:period_id}/my-wishes", response={200: MyWishesOut, 400: Message, 403: Message},
            url_name="careers-period-my-wishes-save")
def save_my_wishes(request, period_id: int, payload: WishesIn):
    """Replace the caller's ranked wishes (most wanted first) until the deadline; a service the
    regulation refuses them is refused with its reason (D93 art. 14), and nothing is saved."""
    chooser = _own(request, period_id)
    try:
        svc.do_save_wishes(chooser, payload.services, request.auth)
    except PermissionDenied:
        raise HttpError(403, _("Vous ne pouvez pas modifier ces vœux.")) from None
    except DjangoValidationError as exc:
        return 400, {"detail": " ".join(exc.messages)}
    return _my_wishes(request, chooser)
