"""The service commitment of residents (D93 art. 27, 27 bis) and its buy-back (art. 32 bis):
progress from the periods of service and the under-staffed listings, the sums received from the
payroll history, the release against repayment (effective once paid) and the breach."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from residanat.accounts.roles import Role
from residanat.careers.authority import holds, is_director_of, is_ministry
from residanat.payroll.models import PayLine, PayrollRun
from residanat.referential.models import UnderstaffedListing
from residanat.rules import commitments as rules
from residanat.rules.service_time import Span

from .models import Buyback, Commitment, CommitmentService

State = Commitment.State
OPEN_END = dt.date(9999, 12, 31)
# D93 art. 27: a salary paid outside this system is not a sum received "under this decree".
NOT_RECEIVED = ("resident.salary_outside",)


class CommitmentRefused(Exception):
    pass


def may_keep(user, commitment: Commitment) -> bool:
    """The Ministry, or the hospital centre's director for a commitment towards their centre."""
    return is_ministry(user) or (commitment.counterpart == Commitment.Counterpart.HOSPITAL_CENTRE
                                 and is_director_of(user, commitment.status.hospital_centre_id))


def may_approve_release(user, commitment: Commitment) -> bool:
    """The express approval of the administration the resident is committed to (art. 32 bis)."""
    if commitment.counterpart == Commitment.Counterpart.HIGHER_EDUCATION:
        return user.is_superuser or holds(user, Role.HIGHER_EDUCATION_OFFICER)
    return may_keep(user, commitment)


def progress(commitment: Commitment, on: dt.date) -> rules.Progress:
    services = list(commitment.services.all())
    periods = [rules.ServicePeriod(str(s.establishment_id), s.start_date, s.end_date) for s in services]
    listed: dict[str, list[Span]] = defaultdict(list)
    for establishment_id, start, end in UnderstaffedListing.objects.filter(
            establishment_id__in={s.establishment_id for s in services}).order_by().values_list(
            "establishment_id", "valid_from", "valid_to"):
        listed[str(establishment_id)].append(Span(start, end or OPEN_END))
    # D93 art. 27 ¶3: counted double only for a specialist recruited by the Ministry of Health.
    return rules.progress(periods, listed, on, counterpart=commitment.counterpart)


def _dates(start: dt.date, end: dt.date | None) -> str:
    if end is None:
        return _("depuis le %(start)s, en cours") % {"start": f"{start:%d/%m/%Y}"}
    return _("du %(start)s au %(end)s") % {"start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"}


@transaction.atomic
def do_add_service(user, commitment: Commitment, establishment, start: dt.date, end: dt.date | None) -> CommitmentService:
    """A period of actual service after the training (D93 art. 27). One person serves in one place
    at a time: a period sharing a day with one already recorded is refused (the database refuses it
    too, migration 0005), so that no day of the eight years is counted twice."""
    if not may_keep(user, commitment):
        raise CommitmentRefused(_("Vous ne tenez pas les engagements de ce résident."))
    if establishment is None:
        raise CommitmentRefused(_("Choisissez l'établissement."))
    if end is not None and end < start:
        raise CommitmentRefused(_("La fin précède le début."))
    # The commitment row is the lock: two periods entered at once cannot both pass the check.
    Commitment.objects.select_for_update().filter(pk=commitment.pk).first()
    new = rules.ServicePeriod(str(establishment.pk), start, end)
    for recorded in commitment.services.select_related("establishment").order_by("start_date"):
        if rules.overlaps([new, rules.ServicePeriod(str(recorded.establishment_id), recorded.start_date,
                                                    recorded.end_date)]):
            raise CommitmentRefused(_(
                "Cette période chevauche celle déjà enregistrée à %(place)s (%(dates)s) : un jour de service n'est "
                "servi qu'en un lieu (D93 art. 27). Terminez d'abord cette période ou corrigez les dates.")
                % {"place": recorded.establishment, "dates": _dates(recorded.start_date, recorded.end_date)})
    return CommitmentService.objects.create(commitment=commitment, establishment=establishment, start_date=start,
                                            end_date=end)


@dataclass
class SumsReceived:
    months: list[tuple[dt.date, Decimal]]  # (month paid, amount), regular and adjustment lines

    @property
    def total(self) -> Decimal:
        return sum((amount for _month, amount in self.months), Decimal("0.00"))


def sums_received(commitment: Commitment) -> SumsReceived:
    """Every sum paid to the person under the decree by a closed run, month by month (the month
    each line pays or corrects), whatever D93 status it was paid for (extern, intern, resident);
    D93 art. 32 bis: "بموجب هذا المرسوم", so not the lines of RD68 statuses."""
    rows = (PayLine.objects.filter(person_id=commitment.status.person_id, run__state=PayrollRun.State.CLOSED,
                                   status_kind__in=rules.DECREE_KINDS)
            .exclude(code__in=NOT_RECEIVED).values("month_corrected").annotate(total=Sum("amount"))
            .order_by("month_corrected"))
    return SumsReceived([(row["month_corrected"], row["total"]) for row in rows if row["total"]])


def _locked(commitment: Commitment, *states) -> Commitment:
    commitment = Commitment.objects.select_for_update().select_related("status").get(pk=commitment.pk)
    if commitment.state not in states:
        raise CommitmentRefused(_("Cet engagement est « %(state)s » : l'opération n'est plus possible.")
                                % {"state": commitment.get_state_display()})
    return commitment


@transaction.atomic
def approve_release(user, commitment: Commitment, on: dt.date, approval_ref: str) -> Buyback:
    """The administration's express approval of a release: the sums received plus an equal amount
    are owed; the commitment is released once the payment is recorded."""
    commitment = _locked(commitment, State.IN_PROGRESS)
    if not may_approve_release(user, commitment):
        raise CommitmentRefused(_("Le dégagement demande l'accord exprès de l'administration envers laquelle "
                                  "le résident est engagé (D93 art. 32 bis)."))
    received = sums_received(commitment).total
    cost = rules.cost(rules.RELEASE, received, on)
    commitment.state = State.RELEASE_PENDING
    commitment.save()
    return Buyback.objects.create(commitment=commitment, reason=Buyback.Reason.RELEASE, on=on, sums_received=received,
                                  amount=cost.amount, ref=cost.ref, approved_by=user, approval_ref=approval_ref)


@transaction.atomic
def record_payment(user, buyback: Buyback, on: dt.date, payment_ref: str) -> Buyback:
    buyback = Buyback.objects.select_for_update().select_related("commitment", "commitment__status").get(pk=buyback.pk)
    if not may_keep(user, buyback.commitment):
        raise CommitmentRefused(_("Vous ne tenez pas les engagements de ce résident."))
    if buyback.paid_on is not None or buyback.amount is None:
        raise CommitmentRefused(_("Aucun paiement n'est attendu pour ce rachat."))
    if not (payment_ref or "").strip():
        raise CommitmentRefused(_("Saisissez la référence du paiement."))
    buyback.paid_on, buyback.payment_ref = on, payment_ref.strip()
    buyback.save()
    commitment = buyback.commitment
    if buyback.reason == Buyback.Reason.RELEASE:
        commitment.state = State.RELEASED  # art. 32 bis: effective only on proof of payment
        commitment.save()
    return buyback


def record_breach(user, commitment: Commitment, reason: str, on: dt.date, decision_ref: str,
                  returned_on: dt.date | None = None) -> Buyback:
    """A voluntary dropout or a definitive exclusion: double the sums received, or for a civil
    servant 8 years of service from their return (art. 32 bis)."""
    with transaction.atomic():
        commitment = _locked(commitment, State.IN_PROGRESS)
        if not may_keep(user, commitment):
            raise CommitmentRefused(_("Vous ne tenez pas les engagements de ce résident."))
        return breach(user, commitment, reason, on, decision_ref, returned_on)


def breach(user, commitment: Commitment, reason: str, on: dt.date, decision_ref: str,
           returned_on: dt.date | None = None) -> Buyback:
    """The breach itself, for a commitment already locked and checked (a definitive exclusion
    records it from the disciplinary decision)."""
    received = sums_received(commitment).total
    cost = rules.cost(reason, received, on, civil_servant=commitment.civil_servant, returned_on=returned_on)
    commitment.state = State.BROKEN
    commitment.save()
    return Buyback.objects.create(commitment=commitment, reason=reason, on=on, sums_received=received,
                                  amount=cost.amount, service_until=cost.service_until, ref=cost.ref,
                                  approved_by=user, approval_ref=decision_ref)


@transaction.atomic
def record_early_leave(user, buyback: Buyback, left_on: dt.date) -> Buyback:
    """A civil servant who leaves their administration before the service owed: the repayment
    applies (double the sums received)."""
    buyback = Buyback.objects.select_for_update().select_related("commitment", "commitment__status").get(pk=buyback.pk)
    if not may_keep(user, buyback.commitment):
        raise CommitmentRefused(_("Vous ne tenez pas les engagements de ce résident."))
    owed = rules.breach_of_service(rules.Cost(buyback.reason, buyback.sums_received, None, buyback.ref,
                                              service_until=buyback.service_until), left_on)
    if owed is None:
        raise CommitmentRefused(_("Le service dû est accompli : aucun remboursement n'est dû."))
    buyback.amount = owed.amount
    buyback.save()
    return buyback
