"""Payslips in the trainee's own space and for the payroll's staff: a trainee sees only their own,
only once the run is closed (another person's or a run not closed: 404); the staff who see a run
may open any of its payslips, as a PROVISOIRE preview before closing. The run summary's page."""

import datetime as dt

import pytest
from django.test import Client

from residanat.accounts.roles import Role
from residanat.payroll.runs import do_approve_run, do_close_run, do_compute_run, do_open_run
from tests.accounts.factories import user_with_role
from tests.documents.helpers import pdf_text
from tests.payroll.world import PayrollWorld

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    world = PayrollWorld()
    world.trainee = user_with_role(Role.TRAINEE)
    world.mine = world.status("intern")
    world.mine.person.user = world.trainee
    world.mine.person.save()
    world.other = world.status("intern")
    world.bank(world.mine.person)
    world.january = do_open_run(world.officer, D(2026, 1, 1), "MSPS")
    world.january = do_close_run(do_approve_run(do_compute_run(world.january, world.officer), world.second_officer),
                              world.officer)
    world.february = do_compute_run(do_open_run(world.officer, D(2026, 2, 1), "MSPS"), world.officer)
    return world


def trainee_client(w):
    client = Client()
    client.force_login(w.trainee)
    return client


def slip_url(run, status, lang="fr"):
    return f"/paie/bulletins/{run.pk}/{status.person_id}.pdf?lang={lang}"


def test_my_payslips_lists_the_closed_runs_only_with_links_in_both_languages(w):
    page = trainee_client(w).get("/paie/mes-bulletins/").content.decode()
    assert f"/paie/bulletins/{w.january.pk}/{w.mine.person_id}.pdf?lang=fr" in page
    assert f"/paie/bulletins/{w.january.pk}/{w.mine.person_id}.pdf?lang=ar" in page
    assert "1\u00a0800,00" in page
    assert f"/paie/bulletins/{w.february.pk}/" not in page
    assert f"/{w.other.person_id}.pdf" not in page


def test_my_payslips_in_arabic_is_a_right_to_left_page(w):
    page = trainee_client(w).get("/ar/paie/mes-bulletins/").content.decode()
    assert 'dir="rtl"' in page and f"/ar/paie/bulletins/{w.january.pk}/{w.mine.person_id}.pdf?lang=ar" in page


@pytest.mark.pdf
def test_a_trainee_opens_their_own_payslip_of_a_closed_run_in_french_and_arabic(w):
    client = trainee_client(w)
    french = client.get(slip_url(w.january, w.mine))
    assert french.status_code == 200 and french["Content-Type"] == "application/pdf"
    text = pdf_text(french.content)
    assert w.mine.person.full_name in text and "PROVISOIRE" not in text
    arabic = client.get(slip_url(w.january, w.mine, "ar"))
    assert arabic.status_code == 200 and "العلوي" in pdf_text(arabic.content)


def test_a_trainee_gets_404_for_another_persons_payslip_and_for_a_run_not_closed(w):
    client = trainee_client(w)
    assert client.get(slip_url(w.january, w.other)).status_code == 404
    assert client.get(slip_url(w.february, w.mine)).status_code == 404
    assert client.get(f"/paie/bulletins/{w.january.pk + 100}/{w.mine.person_id}.pdf").status_code == 404


def test_a_trainee_may_not_open_the_run_pages(w):
    client = trainee_client(w)
    for path in (f"/paie/{w.january.pk}/synthese.pdf", f"/paie/{w.january.pk}/sans-rib/",
                 f"/paie/{w.january.pk}/virements.csv"):
        assert client.get(path).status_code == 403


@pytest.mark.pdf
def test_payroll_staff_open_any_payslip_and_preview_a_computed_run_as_provisional(w, verified_client):
    client = verified_client(w.ministry)
    assert client.get(slip_url(w.january, w.other)).status_code == 200
    preview = client.get(slip_url(w.february, w.mine))
    assert preview.status_code == 200 and "PROVISOIRE" in pdf_text(preview.content)
    assert 'filename="bulletin-MSPS-2026-02-' in preview["Content-Disposition"]


def test_a_payslip_needs_lines_of_that_person_in_that_run_and_a_computed_run(w, verified_client):
    client = verified_client(w.officer)
    stranger = w.status("resident")  # paid by the hospital centre, not in the Ministry's run
    assert client.get(slip_url(w.january, stranger)).status_code == 404
    do_close_run(do_approve_run(w.february, w.second_officer), w.officer)
    march = do_open_run(w.officer, D(2026, 3, 1), "MSPS")
    assert client.get(slip_url(march, w.mine)).status_code == 404


def test_staff_outside_the_runs_scope_or_without_payroll_reading_get_404(w, verified_client):
    assert verified_client(w.director).get(slip_url(w.january, w.mine)).status_code == 404
    dean = user_with_role(Role.DEAN_OFFICE, faculty=w.faculty)
    assert verified_client(dean).get(slip_url(w.january, w.mine)).status_code == 404


@pytest.mark.pdf
def test_a_hospital_centres_director_opens_the_payslips_of_the_centres_run(w, verified_client):
    resident = w.status("resident")
    run = do_compute_run(do_open_run(w.chu_officer, D(2026, 1, 1), "CHU", hospital_centre=w.centre), w.chu_officer)
    response = verified_client(w.director).get(slip_url(run, resident))
    assert response.status_code == 200 and "3 500,00" in pdf_text(response.content).replace("\u00a0", " ")


def test_anonymous_is_sent_to_the_login_page(w):
    response = Client().get(slip_url(w.january, w.mine))
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
    assert Client().get("/paie/mes-bulletins/").status_code == 302


@pytest.mark.pdf
def test_the_summary_page_chooses_its_language_and_refuses_other_staff(w, verified_client):
    client = verified_client(w.officer)
    arabic = client.get(f"/paie/{w.january.pk}/synthese.pdf?lang=ar")
    assert arabic.status_code == 200 and arabic["Content-Type"] == "application/pdf"
    assert 'synthese-paie-MSPS-2026-01-ar.pdf' in arabic["Content-Disposition"]
    provisional = client.get(f"/ar/paie/{w.february.pk}/synthese.pdf")
    assert "synthese-paie-MSPS-2026-02-ar-provisoire.pdf" in provisional["Content-Disposition"]
    dean = user_with_role(Role.DEAN_OFFICE, faculty=w.faculty)
    assert verified_client(dean).get(f"/paie/{w.january.pk}/synthese.pdf").status_code == 403
    assert verified_client(w.director).get(f"/paie/{w.january.pk}/synthese.pdf").status_code == 404
