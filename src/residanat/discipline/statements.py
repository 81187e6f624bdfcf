"""The statement of sums received under the decree (D93 art. 32 bis): every month paid to the
person by a closed payroll run, the total, and what the buy-back costs where one is recorded; in
French or Arabic, numbered and verifiable."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy

from residanat.documents import kinds
from residanat.documents.attestations import identity_facts
from residanat.documents.models import IssuedDocument
from residanat.documents.pdf import issue_once
from residanat.documents.readers import Readers

from . import commitments
from .models import COMMITMENT_READERS, Buyback, Commitment

# Read as the commitment is (COMMITMENT_READERS): the administrations that keep or pay it, the person.
STATEMENT = kinds.register("commitment_statement", gettext_lazy("Relevé des sommes perçues (engagement de servir)"),
                           readers=Readers(COMMITMENT_READERS, through=Commitment, person="status__person"))


def facts(commitment: Commitment, language: str) -> dict:
    received = commitments.sums_received(commitment)
    buyback = Buyback.objects.filter(commitment=commitment).first()
    with translation.override(language):
        status = commitment.status
        return {
            "person": identity_facts(status.person),
            "status": str(status.get_kind_display()),
            "hospital_centre": status.hospital_centre.name if status.hospital_centre else "",
            "counterpart": str(commitment.get_counterpart_display()), "counterpart_name": commitment.counterpart_name,
            "signed_on": commitment.signed_on, "state": str(commitment.get_state_display()),
            "months": [{"month": month, "amount": f"{amount:.2f}"} for month, amount in received.months],
            "total": f"{received.total:.2f}",
            # D93 art. 27 bis bis: the salary paid outside this system, and where its amount comes from.
            "salary_months": received.salary_months,
            "salary": None if buyback is None or buyback.salary_received is None else {
                "amount": f"{buyback.salary_received:.2f}", "source": buyback.salary_source},
            "sums_received": None if buyback is None else f"{buyback.sums_received:.2f}",
            "buyback": None if buyback is None else {
                "reason": str(buyback.get_reason_display()), "amount": buyback.amount and f"{buyback.amount:.2f}",
                "service_until": buyback.service_until, "ref": buyback.ref, "paid_on": buyback.paid_on},
        }


def issue(commitment: Commitment, language: str, by) -> IssuedDocument:
    return issue_once(template="documents/commitment_statement.html", facts=facts(commitment, language),
                      kind=STATEMENT, language=language, person=commitment.status.person, by=by)
