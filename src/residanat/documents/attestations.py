"""How a document prints a person: their names and their identity document, its number masked.

The status attestation itself is issued by people/attestations.py (documents/ never imports people/)."""

from django.utils.translation import gettext as _

VISIBLE_ID_CHARACTERS = 3


def mask_identifier(value: str) -> str:
    """Only the last characters are printed: enough to tell two people apart, not to reuse the number."""
    value = value or ""
    if len(value) <= VISIBLE_ID_CHARACTERS:
        return "•" * len(value)
    return "•" * (len(value) - VISIBLE_ID_CHARACTERS) + value[-VISIBLE_ID_CHARACTERS:]


def identity_facts(person) -> dict:
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
