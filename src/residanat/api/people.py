"""Persons and their trainee statuses, always read through `Person.objects.visible_to(user)`.

A person the caller may not see answers 404, never 403, so that ids leak nothing.
"""

import datetime as dt
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError, ValidationError
from ninja.pagination import paginate
from pydantic import ConfigDict, WithJsonSchema

from residanat.people.models import Person, TraineeStatus
from residanat.people.queries import search, visible_people
from residanat.people.services import do_update_person_contact

from .common import Message, Pages, UnitRef

router = Router(tags=["people"])





class PersonOut(Schema):
    id: int
    last_name: str
    first_name: str
    last_name_ar: str
    first_name_ar: str
    nationality: str
    birth_date: dt.date | None
    email: str
    phone: str
    address: str
    national_id: str | None = Field(None, description="null unless the caller may read it (law 09-08)")
    passport_number: str | None = Field(None, description="null unless the caller may read it (law 09-08)")

    @staticmethod
    def resolve_national_id(obj):
        return obj.national_id if getattr(obj, "identity_readable", False) else None

    @staticmethod
    def resolve_passport_number(obj):
        return obj.passport_number if getattr(obj, "identity_readable", False) else None


class ServiceRef(UnitRef):
    establishment_id: int


class StatusOut(Schema):
    id: int
    kind: TraineeStatus.Kind
    regime: TraineeStatus.Regime
    track: str
    study_year: int | None
    faculty: UnitRef | None
    hospital_centre: UnitRef | None
    establishment: UnitRef | None
    service: ServiceRef | None
    specialty: UnitRef | None
    start_date: dt.date
    end_date: dt.date | None
    decision_ref: str


# An address, or "" to clear it: the schema says so, the form's EmailValidator checks it.
EmailOrBlank = Annotated[str, WithJsonSchema({"anyOf": [{"type": "string", "format": "email", "maxLength": 254},
                                                        {"type": "string", "maxLength": 0}]})]


class ContactIn(Schema):
    """Only the fields sent are changed; send "" to clear one."""

    model_config = ConfigDict(extra="forbid")

    email: EmailOrBlank = Field(None, max_length=254)
    phone: str = Field(None, max_length=30)
    address: str = None


@router.get("", response=list[PersonOut], url_name="people")
@paginate(Pages, max_limit=200)
def list_people(request, q: str = ""):
    """`q`: words that must each appear in a name (French or Arabic) or in a readable CIN."""
    found = search(visible_people(request.auth), q)
    return found.order_by("last_name", "first_name", "pk")


@router.get("/{int:person_id}", response=PersonOut, url_name="person")
def get_person(request, person_id: int):
    return get_object_or_404(visible_people(request.auth), pk=person_id)


@router.get("/{int:person_id}/statuses", response=list[StatusOut], url_name="person-statuses")
def person_statuses(request, person_id: int):
    """The person's statuses within the caller's own scope (a dean sees those at their faculty)."""
    person = get_object_or_404(Person.objects.visible_to(request.auth), pk=person_id)
    return (
        TraineeStatus.objects.visible_to(request.auth)
        .filter(person=person)
        .select_related("faculty", "hospital_centre", "establishment", "service", "specialty")
        .order_by("start_date", "pk")
    )


@router.patch(
    "/{int:person_id}",
    response={200: PersonOut, 403: Message, 404: Message},
    url_name="person-update",
)
def update_person_contact(request, person_id: int, payload: ContactIn):
    user = request.auth
    person = get_object_or_404(Person.objects.visible_to(user), pk=person_id)
    try:
        do_update_person_contact(person, by=user, changes=payload.model_dump(exclude_unset=True))
    except PermissionDenied:
        raise HttpError(403, _("Vous ne pouvez pas modifier cette personne.")) from None
    except DjangoValidationError as exc:
        raise ValidationError(
            [{"loc": ["body", "payload", name], "msg": " ".join(msgs)}
             for name, msgs in exc.message_dict.items()]
        ) from None
    return visible_people(user).get(pk=person_id)
