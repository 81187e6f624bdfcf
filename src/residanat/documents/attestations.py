"""Attestations about a person, issued from what the register holds on the day."""

from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.translation import gettext as _

from residanat.people.models import Person

from . import kinds
from .models import IssuedDocument
from .pdf import issue_pdf

VISIBLE_ID_CHARACTERS = 3


def mask_identifier(value: str) -> str:
    """Only the last characters are printed: enough to tell two people apart, not to reuse the number."""
    value = value or ""
    if len(value) <= VISIBLE_ID_CHARACTERS:
        return "•" * len(value)
    return "•" * (len(value) - VISIBLE_ID_CHARACTERS) + value[-VISIBLE_ID_CHARACTERS:]


def identity_facts(person: Person) -> dict:
    """The person as a document prints them: names, and the identity document with its number
    masked. Call it in the document's language (the label is translated)."""
    if person.national_id:
        id_label, id_value = _("CIN"), person.national_id
    else:
        id_label, id_value = _("Passeport"), person.passport_number
    return {
        "last_name": person.last_name,
        "first_name": person.first_name,
        "full_name_ar": person.full_name_ar,
        "id_document_label": str(id_label),
        "id_document_masked": mask_identifier(id_value),
    }


def status_attestation_facts(person: Person, language: str) -> dict:
    # Labels and institution names are taken in the document's language: the facts are what is printed.
    with translation.override(language):
        statuses = person.statuses.select_related("faculty", "hospital_centre").order_by("start_date", "pk")
        return {
            "person": identity_facts(person),
            "statuses": [
                {
                    "kind": str(status.get_kind_display()),
                    "faculty": status.faculty.name if status.faculty else "",
                    "hospital_centre": status.hospital_centre.name if status.hospital_centre else "",
                    "start": status.start_date,
                    "end": status.end_date,
                }
                for status in statuses
            ],
        }


def issue_status_attestation(person: Person, language: str, issued_by=None) -> IssuedDocument:
    """Issue the "Attestation de statut" of `person`; whoever issues it must be able to see the person."""
    if issued_by is not None and not Person.objects.visible_to(issued_by).filter(pk=person.pk).exists():
        raise PermissionDenied
    with translation.override(language):
        title = str(kinds.label(kinds.STATUS_ATTESTATION))
    return issue_pdf(
        template="documents/status_attestation.html",
        facts=status_attestation_facts(person, language),
        kind=kinds.STATUS_ATTESTATION,
        title=title,
        language=language,
        person=person,
        issued_by=issued_by,
    )
