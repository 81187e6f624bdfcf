"""The pay file of a status, in French and Arabic: pay terms from a date, the bank account (the RIB
checked, the refusal saying what is wrong), the temporary exclusions that stop the stipend (D93 art.
30, 32; RD68 ch. 8, 10) and the lines closed runs paid. A refusal leaves the database as it was."""

import datetime as dt

import pytest

from residanat.accounts.roles import Role
from residanat.payroll import views_files
from residanat.payroll.models import BankAccount, PayTerms, StipendStop
from residanat.payroll.runs import do_compute_run, do_open_run
from residanat.rules.rib import with_key
from tests.accounts.factories import user_with_role
from tests.payroll.world import PayrollWorld
from tests.people.factories import PersonFactory
from tests.formpage import form_with_errors, shows

pytestmark = pytest.mark.django_db
D = dt.date
GOOD_RIB = with_key("0117800000000000012345")


@pytest.fixture
def w():
    return PayrollWorld()


def text(response):
    return response.content.decode()


def url(status, rest=""):
    return f"/paie/statuts/{status.pk}/{rest}"



# --- who sees the pay file -----------------------------------------------------------------------

@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_the_pay_file_opens_for_the_payroll_officer_in_french_and_arabic(w, verified_client, prefix):
    status = w.status("intern")
    w.terms(status, housed=True)
    w.bank(status.person)
    page = verified_client(w.officer).get(f"{prefix}{url(status)}")
    assert page.status_code == 200
    body = text(page)
    assert ('<html lang="ar" dir="rtl">' in body) == (prefix == "/ar")
    assert status.person.full_name in body and status.person.bank_account.rib[:3] in body
    # The three forms of whoever keeps the Ministry's payroll, the exclusion one only for the Ministry.
    assert f'action="{prefix}{url(status, "elements/")}"' in body
    assert f'action="{prefix}{url(status, "compte/")}"' in body
    assert url(status, "exclusions/nouvelle/") not in body
    ministry = text(verified_client(w.ministry).get(f"{prefix}{url(status)}"))
    assert f'action="{prefix}{url(status, "exclusions/nouvelle/")}"' in ministry


def test_the_director_reads_the_pay_file_of_a_resident_of_the_centre_without_the_forms(w, verified_client):
    status = w.status("resident")
    page = verified_client(w.director).get(url(status))
    assert page.status_code == 200
    assert url(status, "elements/") not in text(page) and url(status, "compte/") not in text(page)


def test_a_trainee_gets_404_on_their_own_pay_file_and_other_staff_403(w, verified_client):
    trainee = user_with_role(Role.TRAINEE)
    status = w.status("intern", person=PersonFactory(user=trainee))
    assert verified_client(trainee).get(url(status)).status_code == 404
    dean = user_with_role(Role.DEAN_OFFICE, faculty=w.faculty)
    assert verified_client(dean).get(url(status)).status_code == 403
    other_director = PayrollWorld().director
    assert verified_client(other_director).get(url(status)).status_code == 404


# --- pay terms -----------------------------------------------------------------------------------

def test_pay_terms_are_entered_from_a_date_and_the_months_before_keep_theirs(w, verified_client):
    status = w.status("intern")
    client = verified_client(w.officer)
    response = client.post(url(status, "elements/"), {"valid_from": "2026-03-01", "housed": "on"})
    assert response.status_code == 302 and response["Location"] == url(status)
    response = client.post(url(status, "elements/"), {"valid_from": "2026-06-01"})
    assert response.status_code == 302
    rows = list(PayTerms.objects.filter(status=status).order_by("valid_from").values_list("valid_from", "housed"))
    assert rows == [(D(2026, 3, 1), True), (D(2026, 6, 1), False)]
    # The same facts again on a date they are already in force: nothing written.
    client.post(url(status, "elements/"), {"valid_from": "2026-07-01"})
    assert PayTerms.objects.filter(status=status).count() == 2


def test_pay_terms_before_the_status_are_refused_on_their_field(w, verified_client):
    status = w.status("intern", start=D(2025, 11, 1))
    response = verified_client(w.officer).post(url(status, "elements/"), {"valid_from": "2025-10-01", "housed": "on"})
    assert response.status_code == 200
    assert "Le statut ne commence que le 01/11/2025" in text(response)
    assert not PayTerms.objects.filter(status=status).exists()


def test_an_extern_has_no_pay_terms(w, verified_client):
    status = w.status("extern", study_year=4, start=D(2025, 9, 1))
    response = verified_client(w.officer).post(url(status, "elements/"), {"valid_from": "2026-01-01"})
    assert response.status_code == 200 and "Aucun élément de paie ne s'applique" in text(response)
    assert not PayTerms.objects.filter(status=status).exists()


def test_a_hospital_centre_officer_changes_its_residents_terms_not_an_interns(w, verified_client):
    resident, intern = w.status("resident"), w.status("intern")
    client = verified_client(w.chu_officer)
    assert client.post(url(resident, "elements/"), {"valid_from": "2026-01-01",
                                                     "civil_servant": "on"}).status_code == 302
    assert PayTerms.objects.get(status=resident).civil_servant
    # The intern is paid by the Ministry (D93 art. 18): the centre's officer only reads.
    assert client.post(url(intern, "elements/"), {"valid_from": "2026-01-01", "housed": "on"}).status_code == 403
    assert verified_client(w.director).post(url(resident, "elements/"), {"valid_from": "2026-02-01"}).status_code == 403
    assert PayTerms.objects.filter(status=intern).count() == 0 and PayTerms.objects.filter(status=resident).count() == 1


# --- bank account --------------------------------------------------------------------------------

def test_a_rib_typed_with_spaces_is_saved_as_24_digits(w, verified_client):
    status = w.status("intern")
    spaced = f"{GOOD_RIB[:3]} {GOOD_RIB[3:6]} {GOOD_RIB[6:22]} {GOOD_RIB[22:]}"
    response = verified_client(w.officer).post(url(status, "compte/"), {"holder": "Alaoui Sara", "rib": spaced})
    assert response.status_code == 302
    account = BankAccount.objects.get(person=status.person)
    assert (account.holder, account.rib, account.updated_by) == ("Alaoui Sara", GOOD_RIB, w.officer)


@pytest.mark.parametrize("rib,message", [
    (GOOD_RIB[:-1], "Un RIB compte 24 chiffres ; celui-ci en compte 23."),
    (GOOD_RIB[:10] + "AB" + GOOD_RIB[12:], "« AB » n&#x27;en sont pas"),
    (GOOD_RIB[:22] + f"{(int(GOOD_RIB[22:]) + 1) % 100:02d}",
     f"la clé attendue est {GOOD_RIB[22:]}"),
])
def test_a_wrong_rib_is_refused_with_what_is_wrong_and_the_account_is_unchanged(w, verified_client, rib, message):
    status = w.status("intern")
    before = w.bank(status.person)
    response = verified_client(w.officer).post(url(status, "compte/"), {"holder": "Autre", "rib": rib})
    assert response.status_code == 200
    assert message in text(response)
    account = BankAccount.objects.get(person=status.person)
    assert (account.holder, account.rib) == (before.holder, before.rib)


def test_a_wrong_rib_is_refused_on_the_arabic_page_too(w, verified_client):
    status = w.status("intern")
    response = verified_client(w.officer).post(f"/ar{url(status, 'compte/')}", {"holder": "X", "rib": "123"})
    assert response.status_code == 200 and 'dir="rtl"' in text(response) and 'class="errorlist"' in text(response)
    assert not BankAccount.objects.filter(person=status.person).exists()


def test_only_the_payers_officers_and_the_ministry_change_the_bank_account(w, verified_client):
    intern = w.status("intern")
    assert verified_client(w.chu_officer).post(url(intern, "compte/"), {"holder": "X", "rib": GOOD_RIB}).status_code == 403
    assert verified_client(w.director).post(url(intern, "compte/"), {"holder": "X", "rib": GOOD_RIB}).status_code == 403
    assert not BankAccount.objects.exists()
    assert verified_client(w.ministry).post(url(intern, "compte/"), {"holder": "X", "rib": GOOD_RIB}).status_code == 302


# --- temporary exclusions ------------------------------------------------------------------------

def stop(client, status, start, end, ref="Décision 7/2026"):
    return client.post(url(status, "exclusions/nouvelle/"), {"start": start, "end": end, "decision_ref": ref})


def test_the_ministry_records_a_temporary_exclusion(w, verified_client):
    status = w.status("intern")
    response = stop(verified_client(w.ministry), status, "2026-02-01", "2026-03-31")
    assert response.status_code == 302
    row = StipendStop.objects.get(status=status)
    assert (row.start_date, row.end_date, row.decision_ref, row.recorded_by) == (
        D(2026, 2, 1), D(2026, 3, 31), "Décision 7/2026", w.ministry)


def test_the_payroll_officer_and_the_director_do_not_pronounce_an_exclusion(w, verified_client):
    status = w.status("intern")
    assert stop(verified_client(w.officer), status, "2026-02-01", "2026-02-10").status_code == 403
    assert stop(verified_client(w.director), status, "2026-02-01", "2026-02-10").status_code == 403
    assert not StipendStop.objects.exists()


@pytest.mark.parametrize("kind,start,end,ref,message", [
    ("intern", "2026-02-10", "2026-02-01", "D 1", "La fin précède le début."),
    ("intern", "2026-02-01", "2026-04-01", "D 1", "au plus 2 mois (D93 art. 30) : le 31/03/2026 au plus tard"),
    ("public_health_intern", "2026-02-01", "2026-03-01", "D 1", "au plus 1 mois (RD68 ch. 8) : le 28/02/2026"),
    ("intern", "2026-02-01", "2026-02-10", "", "Ce champ est obligatoire."),
    ("intern", "2025-10-01", "2025-11-10", "D 1", "Le statut ne commence que le 01/11/2025."),
    ("extern", "2026-02-01", "2026-02-10", "D 1", "la discipline des externes relève du décret 2.75.664"),
])
def test_a_wrong_exclusion_is_refused_with_its_reason(w, verified_client, kind, start, end, ref, message):
    status = w.status(kind, study_year=5 if kind == "extern" else None)
    response = stop(verified_client(w.ministry), status, start, end, ref)
    assert response.status_code == 200
    assert message in text(response).replace("&#x27;", "'")
    assert not StipendStop.objects.exists()


def test_an_exclusion_overlapping_another_is_refused_naming_it(w, verified_client):
    status = w.status("intern")
    client = verified_client(w.ministry)
    assert stop(client, status, "2026-02-01", "2026-02-28", "Décision A").status_code == 302
    response = stop(client, status, "2026-02-20", "2026-03-10", "Décision B")
    assert response.status_code == 200
    assert "chevauche l&#x27;exclusion du 01/02/2026 au 28/02/2026 (Décision A)" in text(response)
    assert list(StipendStop.objects.values_list("decision_ref", flat=True)) == ["Décision A"]
    # Another status of the same person is not concerned.
    other = w.status("intern", person=status.person, start=D(2026, 11, 1))
    assert stop(client, other, "2026-11-20", "2026-12-10", "Décision C").status_code == 302


# --- lines already paid --------------------------------------------------------------------------

def test_the_lines_of_closed_runs_are_listed_newest_first_and_paginated(w, verified_client, monkeypatch):
    status = w.status("intern")
    w.closed(D(2026, 1, 1))
    w.closed(D(2026, 2, 1))
    do_compute_run(do_open_run(w.officer, D(2026, 3, 1), "MSPS"), w.officer)  # not closed: not shown
    monkeypatch.setattr(views_files, "LINES_PER_PAGE", 2)
    client = verified_client(w.officer)
    first, second = text(client.get(url(status))), text(client.get(url(status) + "?page=2"))
    assert "02/2026" in first and "01/2026" not in first and "03/2026" not in first
    assert "01/2026" in second and "1\u00a0500,00" in second and "D93 art. 18" in second
    assert "page 1 sur 2" in first


def test_a_missing_holder_and_a_wrong_rib_are_shown_together(w, verified_client):
    status = w.status("intern")
    response = verified_client(w.officer).post(url(status, "compte/"), {"holder": "", "rib": "0117 80AB"})
    body = text(response)
    assert response.status_code == 200
    form = form_with_errors(response.content.decode())
    assert "titulaire du compte : Ce champ est obligatoire." in form.summary and "« AB » n’en sont pas" in form.summary.replace("'", "’")
    assert shows(form, "rib", "0117 80AB") and "« AB » n&#x27;en sont pas" in body


def test_the_pay_file_of_a_seventh_year_student_names_the_gst_from_its_date(w, verified_client):
    status = w.status("seventh_year_intern_duties", start=D(2025, 1, 1))
    client = verified_client(w.officer)
    assert "Ministère de la Santé" in text(client.get(url(status)))
    w.group.powers_from = D(2025, 4, 1)
    w.group.save()
    assert "GST test depuis le 01/04/2025 (le ministère avant)" in text(client.get(url(status)))
