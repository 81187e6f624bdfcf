"""Each specialist's posting decision (fr/ar, numbered and verifiable): the post, the date of
taking up duties, and the start of the period of service owed under the commitment (D93 art. 27),
counted double where the establishment is on the under-staffed list."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy

from residanat.documents import kinds
from residanat.documents.attestations import identity_facts
from residanat.documents.models import IssuedDocument
from residanat.documents.pdf import issue_once
from residanat.documents.readers import Readers

from . import reports
from .models import CANDIDATE_READERS, Assignment, Candidate

# Read as the specialist is (CANDIDATE_READERS): the administrations that follow them, the person.
POSTING_DECISION = kinds.register("deployment_posting", gettext_lazy("Décision d'affectation (médecin spécialiste)"),
                                  readers=Readers(CANDIDATE_READERS, through=Candidate))


def facts(posting: Assignment, language: str) -> dict:
    candidate, post = posting.candidate, posting.post
    campaign = candidate.campaign
    with translation.override(language):
        establishment = post.establishment
        return {
            "person": identity_facts(candidate.person),
            "status": str(candidate.get_kind_display()),
            "hospital_centre": "",
            "campaign": campaign.year,
            "specialty": post.specialty.name,
            "cohort": candidate.cohort,
            "establishment": establishment.name,
            "delegation": post.delegation.name,
            "province": establishment.province.name,
            "region": establishment.province.region.name,
            "purpose": str(post.get_purpose_display()) if post.purpose else "",
            "wish_order": posting.wish_order,
            "taking_up": campaign.taking_up_date,
            "commitment": candidate.commitment_id is not None,
            "understaffed": post.pk in reports.understaffed_post_ids(campaign),
        }


def issue(posting: Assignment, language: str, by) -> IssuedDocument:
    return issue_once(template="documents/deployment_posting.html", facts=facts(posting, language),
                      kind=POSTING_DECISION, language=language, person=posting.candidate.person, by=by)
