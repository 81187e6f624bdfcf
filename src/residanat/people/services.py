"""State changes of people: the only way views, the API, commands and tests change them."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Person, TraineeStatus

CONTACT_FIELDS = ("email", "phone", "address")


def do_update_person_contact(person: Person, by, changes: dict, reason: str = "") -> Person:
    """Change a person's contact fields (email, phone, address); recorded in their history."""
    if not Person.objects.visible_to(by, "change").filter(pk=person.pk).exists():
        raise PermissionDenied
    unknown = set(changes) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"not contact fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        cleaned, errors = {}, {}
        for name, value in changes.items():
            try:
                cleaned[name] = Person._meta.get_field(name).clean(value, person)
            except DjangoValidationError as exc:
                errors[name] = exc.messages
        if errors:
            raise DjangoValidationError(errors)
        changed = [name for name, value in cleaned.items() if getattr(person, name) != value]
        if changed:
            for name in changed:
                setattr(person, name, cleaned[name])
            # A token request has no session user for the history middleware: name the author.
            person._history_user = by
            person._change_reason = reason or _("Coordonnées modifiées : %s") % ", ".join(changed)
            person.save(update_fields=changed)
    return person


# --- persons and statuses written for another app's service ------------------------------------
# Each app decides, by its own rules, who may appoint, enrol, end a status (an appointment, the
# faculty's enrolment list, a degree, a disciplinary decision) and checks it under its own locks;
# the rows themselves are written here, with their author and reason in their history.

def _authored(row, by, reason: str):
    # A token request has no session user for the history middleware: name the author.
    if by is not None:
        row._history_user = by
    if reason:
        row._change_reason = reason
    return row


def do_create_person(*, by, reason: str = "", **identity) -> Person:
    """A new person (a candidate registering, a faculty's import), as the caller checked it."""
    person = _authored(Person(**identity), by, reason)
    person.save(force_insert=True)
    return person


def do_start_status(person: Person, *, by, reason: str = "", **fields) -> TraineeStatus:
    """A new status of `person` (an appointment, an enrolment), as the caller decided it."""
    status = _authored(TraineeStatus(person=person, **fields), by, reason)
    status.save(force_insert=True)
    return status


def do_end_status(status: TraineeStatus, *, on, end_reason: str, by, reason: str = "") -> TraineeStatus:
    """End `status` on `on` for `end_reason` (completed, a doctorate, an exclusion…)."""
    status.end_date, status.end_reason = on, end_reason
    _authored(status, by, reason).save(update_fields=["end_date", "end_reason"])
    return status


def do_record_status(person: Person, *, match: dict, values: dict, by, reason: str = "") -> tuple[TraineeStatus, str]:
    """The status of `person` that `match` finds set to `values`, or a new one: returns it with
    "created", "updated" or "unchanged" (nothing written), so that importing the same list again
    changes nothing."""
    status = TraineeStatus.objects.filter(person=person, **match).first()
    if status is None:
        status, outcome = TraineeStatus(person=person, **match, **values), "created"
    elif any(getattr(status, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(status, name, value)
        outcome = "updated"
    else:
        return status, "unchanged"
    _authored(status, by, reason).save()
    return status, outcome
