"""The "Attestation de statut": a person's statuses as the register holds them on the day.

It lives with the people it prints (documents/ stays below people/ and never imports them); the
kind is registered with its readers on import, from `PeopleConfig.ready`.
"""

from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.translation import gettext_lazy

from residanat.accounts.roles import EDITOR_ROLES
from residanat.documents import kinds
from residanat.documents.attestations import identity_facts
from residanat.documents.models import IssuedDocument
from residanat.documents.pdf import issue_pdf
from residanat.documents.readers import Readers

from .models import Person

# Law 09-08 art. 3: the attestation prints the person's identity (CIN masked): read by the person
# and those who manage the file, who are those who issue it (people/views.person_attestation).
STATUS_ATTESTATION = kinds.register("status_attestation", gettext_lazy("Attestation de statut"),
                                    readers=Readers(EDITOR_ROLES, through=Person, person=""))


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
        title = str(kinds.label(STATUS_ATTESTATION))
    return issue_pdf(
        template="documents/status_attestation.html",
        facts=status_attestation_facts(person, language),
        kind=STATUS_ATTESTATION,
        title=title,
        language=language,
        person=person,
        issued_by=issued_by,
    )
