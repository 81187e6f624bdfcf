"""State changes of people: the only way views, the API, commands and tests change them."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Person

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
