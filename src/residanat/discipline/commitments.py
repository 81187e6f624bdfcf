"""The service commitment of residents (D93 art. 27, 27 bis) and its buy-back (art. 32 bis):
progress from the periods of service and the under-staffed listings, the sums received from the
payroll history, the release against repayment (effective once paid) and the breach."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from residanat.accounts.roles import Role
from residanat.accounts.authority import holds, is_director_of, is_ministry
from residanat.formats import day_text
from residanat.payroll.services import do_set_pay_terms
from residanat.payroll.models import PayLine, PayrollRun, PayTerms
from residanat.referential.models import UnderstaffedListing
from residanat.rules import commitments as rules
from residanat.rules.service_time import Span

from .models import Buyback, Commitment, CommitmentService

State = Commitment.State
OPEN_END = dt.date(9999, 12, 31)
# D93 art. 27: a salary paid outside this system is not a sum received "under this decree".
NOT_RECEIVED = ("resident.salary_outside",)


class CommitmentRefused(ValidationError):
    """The operation is not allowed: the message says why. A ValidationError, the one refusal type
    of common/actions.py, so that a page shows it as any other."""

    def __str__(self) -> str:
        return " ".join(self.messages)


class PeriodOverlaps(CommitmentRefused):
    """A period of service sharing a day with one recorded (D93 art. 27): the page comes back
    with what was typed."""


def may_keep(user, commitment: Commitment) -> bool:
    """The Ministry, or the hospital centre's director for a commitment towards their centre."""
    return is_ministry(user) or (commitment.counterpart == Commitment.Counterpart.HOSPITAL_CENTRE
                                 and is_director_of(user, commitment.status.hospital_centre_id))


def may_approve_release(user, commitment: Commitment) -> bool:
    """The express approval of the administration the resident is committed to (art. 32 bis)."""
    if commitment.counterpart == Commitment.Counterpart.HIGHER_EDUCATION:
        return user.is_superuser or holds(user, Role.HIGHER_EDUCATION_OFFICER)
    return may_keep(user, commitment)


def pay_facts(commitment: Commitment) -> dict:
    """What the commitment makes of the resident's pay, as payroll's pay terms say it: a civil
    servant or employee keeps their statutory salary (D93 art. 27 last ¶); a doctor committed to
    another public administration is paid by it (art. 27 bis); any other committed resident is a
    trainee civil servant "ابتداء من السنة الأولى من الإقامة" (art. 27 ¶2), paid a salary, not the
    stipend."""
    if commitment.civil_servant:
        return {"civil_servant": True}
    if commitment.counterpart == Commitment.Counterpart.ADMINISTRATION:
        return {"administration": commitment.counterpart_name or str(Commitment.Counterpart.ADMINISTRATION.label)}
    return {"committed": True}


def _set_pay_terms(user, status, valid_from: dt.date, facts: dict) -> None:
    """The facts from `valid_from` and on every later pay terms of the status (a later row would
    otherwise bring the stipend back); payroll regularises the months already closed."""
    later = list(PayTerms.objects.filter(status=status, valid_from__gt=valid_from).order_by()
                 .values_list("valid_from", flat=True))
    for day in [valid_from, *later]:
        do_set_pay_terms(status, user, day, checked=True, **facts)


@transaction.atomic
def do_record_commitment(user, status, *, counterpart: str, signed_on: dt.date, counterpart_name: str = "",
                         civil_servant: bool = False) -> Commitment:
    """The Ministry records a resident's commitment to serve (D93 art. 27, 27 bis); the payroll
    then pays the resident as the commitment makes them (`pay_facts`) from the first day of the
    residency (art. 27 ¶2: "يعينون ابتداء من السنة الأولى من الإقامة")."""
    if not is_ministry(user):
        raise CommitmentRefused(_("Seul le ministère enregistre un engagement de servir."))
    if status.kind != status.Kind.RESIDENT:
        raise CommitmentRefused(_("Seul un résident signe l'engagement de servir (D93 art. 27)."))
    commitment = Commitment.objects.create(status=status, counterpart=counterpart, counterpart_name=counterpart_name,
                                           signed_on=signed_on, civil_servant=civil_servant, recorded_by=user)
    _set_pay_terms(user, status, status.start_date, pay_facts(commitment))
    return commitment


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
        return _("depuis le %(start)s, en cours") % {"start": day_text(start)}
    return _("du %(start)s au %(end)s") % {"start": day_text(start), "end": day_text(end)}


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
            raise PeriodOverlaps(_(
                "Cette période chevauche celle déjà enregistrée à %(place)s (%(dates)s) : un jour de service n'est "
                "servi qu'en un lieu (D93 art. 27). Terminez d'abord cette période ou corrigez les dates.")
                % {"place": recorded.establishment, "dates": _dates(recorded.start_date, recorded.end_date)})
    return CommitmentService.objects.create(commitment=commitment, establishment=establishment, start_date=start,
                                            end_date=end)


@transaction.atomic
def do_start_posted_service(user, commitment: Commitment, establishment, start: dt.date) -> None:
    """D93 art. 27: the period of service owed under the commitment starts at the posting (a final
    deployment run, whose service checked it); a period still open elsewhere (a specialist of the
    transfer movement) ends the day before. The same posting again changes nothing."""
    if not may_keep(user, commitment):
        raise CommitmentRefused(_("Vous ne tenez pas les engagements de ce résident."))
    for period in commitment.services.filter(end_date__isnull=True, start_date__lt=start):
        period.end_date = start - dt.timedelta(days=1)
        period.save(update_fields=["end_date"])
    if not commitment.services.filter(start_date=start, establishment=establishment).exists():
        CommitmentService.objects.create(commitment=commitment, establishment=establishment, start_date=start)


@dataclass
class SumsReceived:
    months: list[tuple[dt.date, Decimal]]  # (month paid, amount), regular and adjustment lines
    # Months the person was paid a trainee civil servant's salary outside this system (D93 art. 27
    # ¶2, 27 bis): the buy-back covers it too (art. 27 bis bis), entered on the buy-back.
    salary_months: list[dt.date] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((amount for _month, amount in self.months), Decimal("0.00"))


def sums_received(commitment: Commitment) -> SumsReceived:
    """Every sum paid to the person under the decree by a closed run, month by month (the month
    each line pays or corrects), whatever D93 status it was paid for (extern, intern, resident);
    D93 art. 32 bis: "بموجب هذا المرسوم", so not the lines of RD68 statuses. With the months of
    salary paid outside this system to a committed trainee civil servant (not to a civil servant
    or employee, whose statutory salary is not received under the decree: art. 27 last ¶)."""
    lines = PayLine.objects.filter(person_id=commitment.status.person_id, run__state=PayrollRun.State.CLOSED,
                                   status_kind__in=rules.DECREE_KINDS)
    rows = (lines.exclude(code__in=NOT_RECEIVED).values("month_corrected").annotate(total=Sum("amount"))
            .order_by("month_corrected"))
    salary = [] if commitment.civil_servant else sorted(set(
        lines.filter(code__in=NOT_RECEIVED, status_id=commitment.status_id).values_list("month_corrected", flat=True)))
    return SumsReceived([(row["month_corrected"], row["total"]) for row in rows if row["total"]], salary)


def _salary(received: SumsReceived, salary: Decimal | None, source: str) -> tuple[Decimal | None, str]:
    """The salary entered for the buy-back, checked: an amount of 0 or more with the document it
    comes from; none is taken where no salary was paid outside."""
    if salary is None:
        return None, ""
    if not received.salary_months:
        raise CommitmentRefused(_("Aucun mois n'a été payé en traitement hors de cette paie : aucun traitement "
                                  "n'est à saisir."))
    if salary < 0:
        raise CommitmentRefused(_("Le traitement perçu ne peut être négatif."))
    if not (source or "").strip():
        raise CommitmentRefused(_("Indiquez d'où vient le montant du traitement perçu (attestation, état de "
                                  "l'administration qui l'a payé)."))
    return Decimal(salary).quantize(rules.CENT), source.strip()


def salary_missing(buyback: Buyback) -> bool:
    """A buy-back whose salary paid outside is not entered yet (D93 art. 27 bis bis)."""
    return buyback.salary_received is None and bool(sums_received(buyback.commitment).salary_months)


def _locked(commitment: Commitment, *states) -> Commitment:
    commitment = Commitment.objects.select_for_update().select_related("status").get(pk=commitment.pk)
    if commitment.state not in states:
        raise CommitmentRefused(_("Cet engagement est « %(state)s » : l'opération n'est plus possible.")
                                % {"state": commitment.get_state_display()})
    return commitment


@transaction.atomic
def do_approve_release(user, commitment: Commitment, on: dt.date, approval_ref: str, salary: Decimal | None = None,
                    salary_source: str = "") -> Buyback:
    """The administration's express approval of a release: the sums received plus an equal amount
    are owed; the commitment is released once the payment is recorded. The sums received include
    the salary paid outside this system (art. 27 bis bis), entered now or later (`do_record_salary`)."""
    commitment = _locked(commitment, State.IN_PROGRESS)
    if not may_approve_release(user, commitment):
        raise CommitmentRefused(_("Le dégagement demande l'accord exprès de l'administration envers laquelle "
                                  "le résident est engagé (D93 art. 32 bis)."))
    salary, salary_source = _salary(sums_received(commitment), salary, salary_source)
    commitment.state = State.RELEASE_PENDING
    commitment.save()
    buyback = Buyback(commitment=commitment, reason=Buyback.Reason.RELEASE, on=on, approved_by=user,
                      approval_ref=approval_ref, salary_received=salary, salary_source=salary_source)
    return _priced(buyback)


def _priced(buyback: Buyback, returned_on: dt.date | None = None) -> Buyback:
    """The buy-back's sums received (payroll lines and the salary entered) and what they cost."""
    commitment = buyback.commitment
    received = sums_received(commitment).total + (buyback.salary_received or Decimal("0.00"))
    cost = rules.cost(buyback.reason, received, buyback.on, civil_servant=commitment.civil_servant,
                      returned_on=returned_on)
    buyback.sums_received, buyback.ref = cost.sums_received, cost.ref
    buyback.amount, buyback.service_until = cost.amount, cost.service_until
    buyback.save()
    return buyback


@transaction.atomic
def do_record_salary(user, buyback: Buyback, salary: Decimal, source: str) -> Buyback:
    """The salary a committed trainee civil servant received outside this system, entered with
    the document it comes from (D93 art. 27 bis bis): counted in the sums received, and what is
    owed priced again. Not once the payment is recorded."""
    buyback = Buyback.objects.select_for_update().select_related("commitment", "commitment__status").get(pk=buyback.pk)
    if not may_keep(user, buyback.commitment):
        raise CommitmentRefused(_("Vous ne tenez pas les engagements de ce résident."))
    if buyback.paid_on is not None:
        raise CommitmentRefused(_("Le paiement est enregistré : le rachat ne change plus."))
    buyback.salary_received, buyback.salary_source = _salary(sums_received(buyback.commitment), salary, source)
    return _priced(buyback)


@transaction.atomic
def do_record_payment(user, buyback: Buyback, on: dt.date, payment_ref: str) -> Buyback:
    buyback = Buyback.objects.select_for_update().select_related("commitment", "commitment__status").get(pk=buyback.pk)
    if not may_keep(user, buyback.commitment):
        raise CommitmentRefused(_("Vous ne tenez pas les engagements de ce résident."))
    if buyback.paid_on is not None or buyback.amount is None:
        raise CommitmentRefused(_("Aucun paiement n'est attendu pour ce rachat."))
    if salary_missing(buyback):
        raise CommitmentRefused(_("Saisissez d'abord le traitement perçu hors de cette paie : le rachat le couvre "
                                  "aussi (D93 art. 27 bis bis)."))
    if not (payment_ref or "").strip():
        raise CommitmentRefused(_("Saisissez la référence du paiement."))
    buyback.paid_on, buyback.payment_ref = on, payment_ref.strip()
    buyback.save()
    commitment = buyback.commitment
    if buyback.reason == Buyback.Reason.RELEASE:
        commitment.state = State.RELEASED  # art. 32 bis: effective only on proof of payment
        commitment.save()
        # Released, no longer a trainee civil servant (art. 27 ¶2): a resident still in training is
        # paid the stipend of art. 27 ¶1 from the next day. A civil servant keeps their salary.
        status, since = commitment.status, on + dt.timedelta(days=1)
        facts = pay_facts(commitment)
        if "civil_servant" not in facts and since >= status.start_date and (status.end_date is None
                                                                           or since <= status.end_date):
            _set_pay_terms(user, status, since, {"committed": False, "administration": ""})
    return buyback


def do_record_breach(user, commitment: Commitment, reason: str, on: dt.date, decision_ref: str,
                  returned_on: dt.date | None = None, salary: Decimal | None = None, salary_source: str = "") -> Buyback:
    """A voluntary dropout or a definitive exclusion: double the sums received, or for a civil
    servant 8 years of service from their return (art. 32 bis)."""
    with transaction.atomic():
        commitment = _locked(commitment, State.IN_PROGRESS)
        if not may_keep(user, commitment):
            raise CommitmentRefused(_("Vous ne tenez pas les engagements de ce résident."))
        return do_break_commitment(user, commitment, reason, on, decision_ref, returned_on, salary, salary_source)


def do_break_commitment(user, commitment: Commitment, reason: str, on: dt.date, decision_ref: str,
           returned_on: dt.date | None = None, salary: Decimal | None = None, salary_source: str = "") -> Buyback:
    """The breach itself, for a commitment already locked and checked (a definitive exclusion
    records it from the disciplinary decision; the salary paid outside is then entered later)."""
    salary, salary_source = _salary(sums_received(commitment), salary, salary_source)
    commitment.state = State.BROKEN
    commitment.save()
    buyback = Buyback(commitment=commitment, reason=reason, on=on, approved_by=user, approval_ref=decision_ref,
                      salary_received=salary, salary_source=salary_source)
    return _priced(buyback, returned_on)


@transaction.atomic
def do_record_early_leave(user, buyback: Buyback, left_on: dt.date) -> Buyback:
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
