"""Service commitments (D93 art. 27) and their buy-back (art. 32 bis) through the services: the sums
received read from the payroll history, a release effective only once paid, a dropout's double, a
civil servant's 8 years from their return, under-staffed service counted double, and the breach a
definitive exclusion records. Runs on SQLite and PostgreSQL."""

import datetime as dt
from decimal import Decimal

import pytest

from residanat.discipline import commitments as c
from residanat.discipline.models import Buyback, Commitment, CommitmentService
from residanat.payroll.models import PayLine
from residanat.referential.models import UnderstaffedListing
from tests.discipline.test_cases import World, referred
from tests.referential.factories import EstablishmentFactory

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return World()


def committed(w, resident, counterpart=Commitment.Counterpart.HOSPITAL_CENTRE, **extra):
    return Commitment.objects.create(status=resident, counterpart=counterpart,
                                     signed_on=resident.start_date, recorded_by=w.ministry, **extra)


def test_the_sums_received_are_the_closed_payroll_months(w):
    resident = w.status("resident")
    w.closed(D(2026, 1, 1), "CHU", hospital_centre=w.centre)
    w.closed(D(2026, 2, 1), "CHU", hospital_centre=w.centre)
    received = c.sums_received(committed(w, resident))
    assert received.months == [(D(2026, 1, 1), Decimal("3500.00")), (D(2026, 2, 1), Decimal("3500.00"))]
    assert received.total == Decimal("7000.00")


def test_a_release_costs_the_sums_received_plus_an_equal_amount_and_takes_effect_once_paid(w):
    resident = w.status("resident")
    w.closed(D(2026, 1, 1), "CHU", hospital_centre=w.centre)
    commitment = committed(w, resident)
    with pytest.raises(c.CommitmentRefused, match="accord exprès"):
        c.do_approve_release(w.chu_officer, commitment, D(2026, 3, 1), "Accord 1")
    buyback = c.do_approve_release(w.director, commitment, D(2026, 3, 1), "Accord 1")
    assert (buyback.sums_received, buyback.amount, buyback.ref) == (Decimal("3500.00"), Decimal("7000.00"),
                                                                    "D93 art. 32 bis")
    commitment.refresh_from_db()
    assert commitment.state == Commitment.State.RELEASE_PENDING  # not released before the payment
    c.do_record_payment(w.director, buyback, D(2026, 3, 20), "Quittance TG 4411")
    commitment.refresh_from_db()
    assert commitment.state == Commitment.State.RELEASED
    with pytest.raises(c.CommitmentRefused):
        c.do_record_payment(w.director, buyback, D(2026, 3, 21), "again")


def test_a_non_civil_servant_dropout_owes_double_the_sums_received(w):
    resident = w.status("resident")
    w.closed(D(2026, 1, 1), "CHU", hospital_centre=w.centre)
    buyback = c.do_record_breach(w.ministry, committed(w, resident), Buyback.Reason.DROPOUT, D(2026, 2, 10), "PV 3")
    assert (buyback.amount, buyback.service_until) == (Decimal("7000.00"), None)
    assert Commitment.objects.get(pk=buyback.commitment_id).state == Commitment.State.BROKEN


def test_a_civil_servant_dropout_owes_eight_years_from_return_then_the_repayment(w):
    intern = w.status("intern", end=D(2026, 1, 31))
    w.closed(D(2026, 1, 1))  # 1,800 received as an intern (stipend and housing)
    resident = w.status("resident", person=intern.person, start=D(2026, 2, 1))
    w.terms(resident, civil_servant=True)
    w.closed(D(2026, 2, 1), "CHU", hospital_centre=w.centre)  # a 0.00 "salary outside" line: not received
    commitment = committed(w, resident, civil_servant=True)
    buyback = c.do_record_breach(w.ministry, commitment, Buyback.Reason.DROPOUT, D(2026, 6, 1), "PV 4",
                              returned_on=D(2026, 7, 1))
    assert (buyback.sums_received, buyback.amount, buyback.service_until) == (Decimal("1800.00"), None,
                                                                              D(2034, 6, 30))
    with pytest.raises(c.CommitmentRefused, match="accompli"):
        c.do_record_early_leave(w.ministry, buyback, D(2034, 6, 30))
    assert c.do_record_early_leave(w.ministry, buyback, D(2030, 1, 1)).amount == Decimal("3600.00")


def test_two_consecutive_years_in_an_understaffed_establishment_count_four(w):
    resident = w.status("resident")
    commitment = committed(w, resident, Commitment.Counterpart.MINISTRY)
    rural = EstablishmentFactory()
    UnderstaffedListing.objects.create(establishment=rural, valid_from=D(2020, 1, 1), order_ref="Arrêté 2020")
    CommitmentService.objects.create(commitment=commitment, establishment=rural, start_date=D(2030, 1, 1),
                                     end_date=D(2031, 12, 31))
    CommitmentService.objects.create(commitment=commitment, establishment=w.hospital, start_date=D(2032, 1, 1))
    result = c.progress(commitment, D(2031, 12, 31))
    assert (result.served_days, result.credited_days) == (730, 1460)
    # 2,922 days owed (8 years from 2030, two leap days), 1,460 credited: 1,462 more days from 2032,
    # one more than the four calendar years 2032-2035 hold (1460 = 2 x 730, with no 29 February).
    assert result.expected_end == D(2036, 1, 1)


def test_a_definitive_exclusion_breaks_the_commitment(w):
    resident, *_peers = (w.status("resident") for _ in range(3))
    w.closed(D(2026, 1, 1), "CHU", hospital_centre=w.centre)
    commitment = committed(w, resident)
    from residanat.discipline import cases
    from residanat.rules.discipline import DEFINITIVE, Sanction
    case = cases.do_record_opinion(w.director, referred(w, w.case(resident)), Sanction(DEFINITIVE), D(2026, 3, 25))
    cases.do_sign_decision(w.ministry, case, Sanction(DEFINITIVE), D(2026, 4, 2), "Arrêté 11")
    cases.do_sign_decision(w.higher_education, case, Sanction(DEFINITIVE), D(2026, 4, 2), "Arrêté 11")
    buyback = Buyback.objects.get(commitment=commitment)
    assert (buyback.reason, buyback.amount) == ("definitive_exclusion", Decimal("7000.00"))
    assert "commitment_broken" in case.events.values_list("kind", flat=True)


def test_understaffed_service_counts_double_only_towards_the_ministry_of_health(w):
    """D93 art. 27 ¶3: "المقيمون الذين تم توظيفهم كمتخصصين بوزارة الصحة" — the same two years in a
    listed hospital count four for the Ministry's specialist, two for a hospital centre's."""
    rural = EstablishmentFactory()
    UnderstaffedListing.objects.create(establishment=rural, valid_from=D(2020, 1, 1), order_ref="Arrêté 2020")
    ends = {}
    for counterpart in Commitment.Counterpart:
        commitment = committed(w, w.status("resident"), counterpart)
        CommitmentService.objects.create(commitment=commitment, establishment=rural, start_date=D(2030, 1, 1),
                                         end_date=D(2031, 12, 31))
        CommitmentService.objects.create(commitment=commitment, establishment=w.hospital, start_date=D(2032, 1, 1))
        ends[counterpart.value] = c.progress(commitment, D(2031, 12, 31)).expected_end
    assert ends == {"ministry": D(2036, 1, 1), "hospital_centre": D(2037, 12, 31),
                    "higher_education": D(2037, 12, 31), "administration": D(2037, 12, 31)}


def test_the_sums_received_leave_out_the_rd68_lines(w):
    """D93 art. 32 bis: "مجموع المبالغ التي استفاد منها بموجب هذا المرسوم" — a former 7th-year
    student's lump sums under RD68 ch. 14 are not received under D93."""
    seventh = w.status("seventh_year_intern_duties", start=D(2025, 11, 1), end=D(2025, 12, 31))
    w.closed(D(2025, 11, 1))
    w.closed(D(2025, 12, 1))
    assert PayLine.objects.filter(person=seventh.person, run__state="closed").exclude(amount=0).count() == 2
    resident = w.status("resident", person=seventh.person, start=D(2026, 1, 1))
    w.closed(D(2026, 1, 1), "CHU", hospital_centre=w.centre)
    received = c.sums_received(committed(w, resident))
    assert received.months == [(D(2026, 1, 1), Decimal("3500.00"))]


def test_a_service_period_overlapping_a_recorded_one_is_refused(w):
    """D93 art. 27: "ثماني سنوات … من الخدمة الفعلية" — one person serves in one place at a time: a
    period sharing a day with one already recorded is refused, and each calendar day counts once."""
    commitment = committed(w, w.status("resident"), Commitment.Counterpart.MINISTRY)
    other = EstablishmentFactory()
    c.do_add_service(w.ministry, commitment, w.hospital, D(2030, 1, 1), D(2031, 12, 31))
    with pytest.raises(c.CommitmentRefused, match=r"chevauche .* \(du 01/01/2030 au 31/12/2031\)"):
        c.do_add_service(w.ministry, commitment, other, D(2031, 1, 1), None)
    c.do_add_service(w.ministry, commitment, other, D(2032, 1, 1), None)  # the next day: accepted
    with pytest.raises(c.CommitmentRefused, match="depuis le 01/01/2032, en cours"):
        c.do_add_service(w.ministry, commitment, w.hospital, D(2040, 1, 1), D(2040, 6, 30))
    assert c.progress(commitment, D(2031, 12, 31)).served_days == 730


def test_the_database_refuses_overlapping_service_periods(w):
    """D93 art. 27: the guard holds whatever the code path (SQLite and PostgreSQL triggers)."""
    from django.db import IntegrityError, transaction

    commitment = committed(w, w.status("resident"), Commitment.Counterpart.MINISTRY)
    first = CommitmentService.objects.create(commitment=commitment, establishment=w.hospital,
                                             start_date=D(2030, 1, 1), end_date=D(2031, 12, 31))
    second = CommitmentService.objects.create(commitment=commitment, establishment=EstablishmentFactory(),
                                              start_date=D(2032, 1, 1))
    for attempt in (
        lambda: CommitmentService.objects.create(commitment=commitment, establishment=w.hospital,
                                                 start_date=D(2031, 6, 1), end_date=D(2031, 6, 30)),
        lambda: CommitmentService.objects.create(commitment=commitment, establishment=w.hospital,
                                                 start_date=D(2040, 1, 1)),  # inside the open period
        lambda: CommitmentService.objects.filter(pk=second.pk).update(start_date=D(2031, 12, 31)),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            attempt()
    # Changing a period's own dates, or another commitment's period on the same days, is fine.
    CommitmentService.objects.filter(pk=first.pk).update(end_date=D(2031, 6, 30))
    other = committed(w, w.status("resident"))
    CommitmentService.objects.create(commitment=other, establishment=w.hospital, start_date=D(2030, 1, 1))


def test_a_recorded_commitment_makes_the_resident_a_salaried_trainee_civil_servant_from_year_one(w):
    """D93 art. 27 ¶2: "يعينون ابتداء من السنة الأولى من الإقامة، كموظفين متمرنين" — a resident who signs
    the commitment is paid a salary, not the 3,500 stipend of ¶1, from the first year; the months
    already closed are regularised by the next run."""
    resident = w.status("resident", start=D(2025, 11, 1))
    w.closed(D(2025, 11, 1), "CHU", hospital_centre=w.centre)  # paid the stipend before the commitment
    commitment = c.do_record_commitment(w.ministry, resident, counterpart="hospital_centre", signed_on=D(2025, 12, 1))
    assert list(resident.pay_terms.values_list("valid_from", "committed")) == [(D(2025, 11, 1), True)]
    w.closed(D(2025, 12, 1), "CHU", hospital_centre=w.centre)
    december = {(line.month_corrected, line.code): line.amount for line in PayLine.objects.filter(
        status=resident, run__month=D(2025, 12, 1))}
    assert december == {(D(2025, 12, 1), "resident.salary_outside"): Decimal("0.00"),
                        (D(2025, 11, 1), "resident.stipend"): Decimal("-3500.00")}
    received = c.sums_received(commitment)
    assert received.total == Decimal("0.00") and received.salary_months == [D(2025, 12, 1)]
    # A civil servant keeps their statutory salary (art. 27 last ¶), a doctor committed to another
    # administration is paid by it (art. 27 bis).
    servant = w.status("resident")
    c.do_record_commitment(w.ministry, servant, counterpart="administration", signed_on=D(2025, 11, 1),
                           counterpart_name="Ministère de l'Intérieur", civil_servant=True)
    other = w.status("resident")
    c.do_record_commitment(w.ministry, other, counterpart="administration", signed_on=D(2025, 11, 1),
                           counterpart_name="Gendarmerie royale")
    assert servant.pay_terms.get().civil_servant and other.pay_terms.get().administration == "Gendarmerie royale"
    with pytest.raises(c.CommitmentRefused):
        c.do_record_commitment(w.director, w.status("resident"), counterpart="hospital_centre", signed_on=D(2025, 11, 1))


def test_the_buyback_covers_the_salary_paid_outside_with_its_source(w):
    """D93 art. 27 bis bis: "التعويض عن المهام والأجرة المنصوص عليهما في المادتين 27 و27 مكررة" — the
    sums received of a committed trainee civil servant include the salary paid outside this system,
    entered with the document it comes from; no payment is recorded before it is."""
    resident = w.status("resident", start=D(2025, 11, 1))
    commitment = c.do_record_commitment(w.ministry, resident, counterpart="hospital_centre", signed_on=D(2025, 11, 1))
    w.closed(D(2025, 11, 1), "CHU", hospital_centre=w.centre)
    w.closed(D(2025, 12, 1), "CHU", hospital_centre=w.centre)
    buyback = c.do_approve_release(w.director, commitment, D(2026, 1, 10), "Accord 9")
    assert (buyback.sums_received, buyback.amount, c.salary_missing(buyback)) == (Decimal("0.00"), Decimal("0.00"), True)
    with pytest.raises(c.CommitmentRefused, match="27 bis bis"):
        c.do_record_payment(w.director, buyback, D(2026, 1, 20), "Quittance 1")
    with pytest.raises(c.CommitmentRefused, match="d'où vient"):
        c.do_record_salary(w.director, buyback, Decimal("16000"), "")
    buyback = c.do_record_salary(w.director, buyback, Decimal("16000"), "Attestation de salaire DRH n° 12")
    assert (buyback.sums_received, buyback.amount) == (Decimal("16000.00"), Decimal("32000.00"))
    assert buyback.salary_source == "Attestation de salaire DRH n° 12" and not c.salary_missing(buyback)
    c.do_record_payment(w.director, buyback, D(2026, 1, 20), "Quittance 1")
    # Released: no longer a trainee civil servant, paid the stipend of art. 27 ¶1 from the next day.
    assert list(resident.pay_terms.order_by("valid_from").values_list("valid_from", "committed")) == [
        (D(2025, 11, 1), True), (D(2026, 1, 21), False)]
    from residanat.discipline.statements import facts
    statement = facts(Commitment.objects.get(pk=commitment.pk), "fr")
    assert statement["salary"] == {"amount": "16000.00", "source": "Attestation de salaire DRH n° 12"}
    assert statement["salary_months"] == [D(2025, 11, 1), D(2025, 12, 1)]


def test_a_civil_servants_statutory_salary_is_not_asked_for_the_buyback(w):
    """D93 art. 27 last ¶ and 32 bis: a civil servant's salary is that of their statute, not a sum
    received "بموجب هذا المرسوم"; the buy-back asks no salary of them."""
    resident = w.status("resident", start=D(2025, 11, 1))
    commitment = c.do_record_commitment(w.ministry, resident, counterpart="administration", signed_on=D(2025, 11, 1),
                                        civil_servant=True)
    w.closed(D(2025, 11, 1), "CHU", hospital_centre=w.centre)
    assert c.sums_received(commitment).salary_months == []
    with pytest.raises(c.CommitmentRefused, match="Aucun mois"):
        c.do_record_breach(w.ministry, commitment, Buyback.Reason.DROPOUT, D(2026, 1, 1), "PV", salary=Decimal("1"),
                        salary_source="x")
