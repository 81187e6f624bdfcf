"""The bank transfer file of a run: one row per beneficiary with a positive net and a valid RIB,
only for an approved or closed run; the others listed with the reason on the withheld page; a
bounded number of queries whatever the number of trainees. Runs on SQLite and PostgreSQL."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from residanat.payroll.models import BankAccount, PayrollRun, StipendStop
from residanat.payroll.runs import do_approve_run, do_close_run, do_compute_run, do_open_run
from residanat.payroll.transfer import (COLUMNS, TransferRefused, Why, reference, transfer_csv, transfer_order)
from residanat.rules.rib import check
from tests.payroll.world import PayrollWorld

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return PayrollWorld()


def computed(world, month, payer="MSPS", officer=None, **unit):
    officer = officer or world.officer
    return do_compute_run(do_open_run(officer, month, payer, **unit), officer)


def approved(world, month, payer="MSPS", officer=None, second=None, **unit):
    return do_approve_run(computed(world, month, payer, officer, **unit), second or world.second_officer)


def closed(world, month, **kwargs):
    return do_close_run(approved(world, month, **kwargs), world.officer)


def rows_of(content: bytes) -> list[dict]:
    text = content.decode("utf-8")
    assert not text.startswith("\ufeff"), "no byte-order mark: the file is for the bank's import"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    header, *rows = list(reader)
    assert tuple(header) == COLUMNS
    return [dict(zip(header, row)) for row in rows]


def broken(rib: str) -> str:
    """The same account number with another key."""
    key = (int(rib[22:]) % 97) + 1
    return f"{rib[:22]}{key:02d}"


@pytest.fixture
def january(world):
    """Interns paid 1,800 (stipend 1,500 + housing 300, D93 art. 18), an extern 165, a public-health
    intern 1,338 without a RIB, an intern whose stored RIB has a wrong key."""
    intern = world.status("intern")
    extern = world.status("extern", study_year=5, start=D(2025, 9, 1))
    ph = world.status("public_health_intern")
    bad = world.status("intern")
    for status in (intern, extern, bad):
        world.bank(status.person)
    account = BankAccount.objects.get(person=bad.person)
    # Saved before the key check existed, or by SQL: the file checks the key again.
    BankAccount.objects.filter(pk=account.pk).update(rib=broken(account.rib))
    return {"intern": intern, "extern": extern, "ph": ph, "bad": bad}


def test_an_approved_run_gives_one_row_per_paid_beneficiary_with_every_column(world, january):
    run = approved(world, D(2026, 1, 1))
    rows = {row["reference"]: row for row in rows_of(transfer_csv(run))}
    intern, extern = january["intern"], january["extern"]
    assert set(rows) == {f"PAIE-MSPS-202601-{intern.person_id}", f"PAIE-MSPS-202601-{extern.person_id}"}
    row = rows[reference(run, intern.person_id)]
    account = intern.person.bank_account
    assert row == {
        "reference": f"PAIE-MSPS-202601-{intern.person_id}", "donneur_ordre": "Ministère de la Santé",
        "payeur": "MSPS", "mois": "2026-01", "beneficiaire": account.holder, "rib": account.rib,
        "code_banque": account.rib[:3], "montant": "1800.00", "devise": "MAD",
        "motif": f"INDEMNITE 2026-01 PAIE-MSPS-202601-{intern.person_id}",
    }
    assert rows[reference(run, extern.person_id)]["montant"] == "165.00"
    assert all(len(r["rib"]) == 24 and check(r["rib"]) == r["rib"] for r in rows.values())
    assert all(" " not in ref for ref in rows)


def test_the_file_is_crlf_utf8_and_quotes_a_name_holding_the_separator(world):
    status = world.status("intern")
    person = status.person
    person.first_name = "Aïcha"
    person.save()
    world.bank(person)
    BankAccount.objects.filter(person=person).update(holder="EL FASSI; Aïcha")
    content = transfer_csv(approved(world, D(2026, 1, 1)))
    assert content.count(b"\r\n") == 2
    assert '"EL FASSI; Aïcha"'.encode() in content
    assert rows_of(content)[0]["beneficiaire"] == "EL FASSI; Aïcha"


def test_without_an_account_holder_the_beneficiary_is_the_persons_name(world):
    status = world.status("intern")
    world.bank(status.person)
    BankAccount.objects.filter(person=status.person).update(holder="")
    (row,) = rows_of(transfer_csv(approved(world, D(2026, 1, 1))))
    assert row["beneficiaire"] == status.person.full_name


def test_persons_without_a_valid_rib_are_left_out_and_listed_with_the_reason(world, january):
    run = approved(world, D(2026, 1, 1))
    order = transfer_order(run)
    listed = {w.person_id: w for w in order.withheld}
    ph, bad = january["ph"], january["bad"]
    assert set(listed) == {ph.person_id, bad.person_id}
    assert (listed[ph.person_id].why, listed[ph.person_id].amount) == (Why.NO_RIB, Decimal("1338.00"))
    assert (listed[bad.person_id].why, listed[bad.person_id].amount) == (Why.BAD_RIB, Decimal("1800.00"))
    assert "clé" in listed[bad.person_id].detail
    references = {row["reference"] for row in rows_of(transfer_csv(run, order))}
    assert reference(run, ph.person_id) not in references and reference(run, bad.person_id) not in references
    assert order.total == Decimal("1965.00") and order.sum(order.unpaid) == Decimal("3138.00")


def test_a_negative_net_is_to_recover_and_not_in_the_file(world):
    paid = world.status("intern")
    leaving = world.status("intern", end=D(2026, 1, 31))
    world.bank(paid.person)
    world.bank(leaving.person)
    closed(world, D(2026, 1, 1))
    # Excluded for all of January, recorded after January was closed: February recovers the 1,500 of the
    # indemnité (D93 art. 30: the housing allowance goes on).
    StipendStop.objects.create(status=leaving, start_date=D(2026, 1, 1), end_date=D(2026, 1, 31),
                               decision_ref="Conseil 3/2026", recorded_by=world.officer)
    february = approved(world, D(2026, 2, 1))
    order = transfer_order(february)
    assert [(w.person_id, w.why, w.amount) for w in order.withheld] == [
        (leaving.person_id, Why.TO_RECOVER, Decimal("-1500.00"))]
    assert [row["reference"] for row in rows_of(transfer_csv(february))] == [reference(february, paid.person_id)]


def test_adjustments_are_added_to_the_months_line_per_person(world):
    intern = world.status("intern")
    world.bank(intern.person)
    closed(world, D(2026, 1, 1))
    StipendStop.objects.create(status=intern, start_date=D(2026, 1, 1), end_date=D(2026, 1, 10),
                               decision_ref="Conseil 1/2026", recorded_by=world.officer)
    february = approved(world, D(2026, 2, 1))
    # 1,800 for February less 483.87 recovered for January (D93 art. 30: not the housing allowance).
    (row,) = rows_of(transfer_csv(february))
    assert row["montant"] == "1316.13"


def test_a_nil_net_is_listed_not_paid(world):
    civil_servant = world.status("resident")
    world.terms(civil_servant, civil_servant=True)
    world.bank(civil_servant.person)
    run = approved(world, D(2026, 1, 1), "CHU", officer=world.chu_officer, second=world.director,
                   hospital_centre=world.centre)
    order = transfer_order(run)
    assert rows_of(transfer_csv(run, order)) == []
    assert [(w.why, w.amount) for w in order.withheld] == [(Why.NOTHING, Decimal("0.00"))]


def test_a_hospital_centres_file_names_the_centre_as_debtor(world):
    resident = world.status("resident")
    world.bank(resident.person)
    run = approved(world, D(2026, 1, 1), "CHU", officer=world.chu_officer, second=world.director,
                   hospital_centre=world.centre)
    (row,) = rows_of(transfer_csv(run))
    assert (row["donneur_ordre"], row["payeur"], row["montant"]) == (
        world.centre.name_fr, f"CHU{world.centre.pk}", "3500.00")
    assert row["reference"] == f"PAIE-CHU{world.centre.pk}-202601-{resident.person_id}"


@pytest.mark.parametrize("state", ["open", "computed"])
def test_the_file_is_refused_before_approval(world, january, state):
    run = do_open_run(world.officer, D(2026, 1, 1), "MSPS")
    if state == "computed":
        run = do_compute_run(run, world.officer)
    with pytest.raises(TransferRefused, match="approuvée ou clôturée"):
        transfer_csv(run)


def test_a_closed_run_gives_the_same_file_again(world, january):
    run = approved(world, D(2026, 1, 1))
    before = transfer_csv(run)
    run = do_close_run(run, world.officer)
    assert transfer_csv(run) == before


# --- the pages -----------------------------------------------------------------------------------

def test_the_download_is_a_csv_attachment_and_refused_with_a_reason_before_approval(world, january, verified_client):
    client = verified_client(world.officer)
    run = computed(world, D(2026, 1, 1))
    refused = client.get(f"/paie/{run.pk}/virements.csv")
    assert refused.status_code == 409
    assert "approuvée ou clôturée" in refused.content.decode()
    run = do_approve_run(run, world.second_officer)
    response = client.get(f"/paie/{run.pk}/virements.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="virements-MSPS-2026-01.csv"' == response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert len(rows_of(response.content)) == 2


def test_the_withheld_page_lists_names_amounts_and_reasons(world, january, verified_client):
    run = approved(world, D(2026, 1, 1))
    page = verified_client(world.ministry).get(f"/paie/{run.pk}/sans-rib/").content.decode()
    assert january["ph"].person.full_name in page and "1\u00a0338,00" in page and "aucun RIB enregistré" in page
    assert january["bad"].person.full_name in page and "la clé du RIB ne correspond pas" in page
    assert january["intern"].person.full_name not in page
    assert f"/paie/{run.pk}/virements.csv" in page


def test_the_withheld_page_reads_right_to_left_in_arabic_with_the_arabic_names(world, january, verified_client):
    run = approved(world, D(2026, 1, 1))
    page = verified_client(world.officer).get(f"/ar/paie/{run.pk}/sans-rib/").content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert january["ph"].person.full_name_ar in page and "1\u00a0338,00" in page


def test_a_hospital_centre_director_cannot_reach_the_ministrys_file(world, january, verified_client):
    run = approved(world, D(2026, 1, 1))
    assert verified_client(world.director).get(f"/paie/{run.pk}/virements.csv").status_code == 404
    assert verified_client(world.director).get(f"/paie/{run.pk}/sans-rib/").status_code == 404


# --- bounded queries -----------------------------------------------------------------------------

def _run_with(world, month, count):
    for _ in range(count):
        world.bank(world.status("intern").person)
    return approved(world, month)


def test_the_file_costs_the_same_queries_for_5_and_50_trainees(world, verified_client):
    small = _run_with(world, D(2026, 1, 1), 5)
    client = verified_client(world.officer)
    client.get(f"/paie/{small.pk}/virements.csv")  # session and device loaded once
    with CaptureQueriesContext(connection) as few:
        assert len(rows_of(transfer_csv(small))) == 5
    with CaptureQueriesContext(connection) as few_page:
        assert client.get(f"/paie/{small.pk}/virements.csv").status_code == 200
    do_close_run(small, world.officer)
    large = _run_with(world, D(2026, 2, 1), 45)
    with CaptureQueriesContext(connection) as many:
        assert len(rows_of(transfer_csv(large))) == 50
    with CaptureQueriesContext(connection) as many_page:
        assert client.get(f"/paie/{large.pk}/virements.csv").status_code == 200
    assert len(few) == len(many) <= 2
    assert len(few_page) == len(many_page)
    assert PayrollRun.objects.get(pk=large.pk).trainees == 50
