"""Finding people in a payroll run (issue 25 item 5): lines, differences and the withheld list give
each trainee's number (the payroll's, never the CIN to a reader the identity rule refuses) and link
to the pay file where the RIB is corrected; the lines and the differences export to Excel for the
readers of the run, in their scope only."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from residanat.accounts.roles import Role
from residanat.payroll.runs import do_compute_run, do_open_run
from tests.accounts.factories import user_with_role
from tests.people.factories import PersonFactory
from tests.referential.factories import HospitalCentreFactory

D = dt.date
pytestmark = pytest.mark.django_db


def namesakes(world, n=3):
    """Three "AIT LAHCEN Hamza" in one run, as the clerk met them."""
    return [world.status("intern", person=PersonFactory(last_name="Ait Lahcen", first_name="Hamza"))
            for _ in range(n)]


def sheet_of(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "private" in response["Cache-Control"]
    return load_workbook(io.BytesIO(response.content)).worksheets[0]


def test_namesakes_on_the_lines_page_are_told_apart_by_number_and_link(world, verified_client):
    statuses = namesakes(world)
    run = do_compute_run(do_open_run(world.officer, D(2026, 1, 1), "MSPS"), world.officer)
    html = verified_client(world.officer).get(f"/paie/{run.pk}/lignes/").content.decode()
    for status in statuses:
        assert f'href="/paie/statuts/{status.pk}/"' in html
        assert f"N°&nbsp;<bdi>{status.person_id}</bdi>" in html
        # Law 09-08: the payroll officer may not read the CIN (people/queries.py).
        assert status.person.national_id not in html
    # The link leads to the pay file.
    assert verified_client(world.officer).get(f"/paie/statuts/{statuses[0].pk}/").status_code == 200


def test_the_differences_page_and_the_unpriced_months_link_to_the_pay_file(world, verified_client):
    stays = world.status("intern")
    world.closed(D(2026, 1, 1))
    started = world.status("intern", start=D(2026, 2, 15))
    february = do_compute_run(do_open_run(world.officer, D(2026, 2, 1), "MSPS"), world.officer)
    for prefix in ("", "/ar"):
        html = verified_client(world.officer).get(f"{prefix}/paie/{february.pk}/differences/").content.decode()
        assert f'href="{prefix}/paie/statuts/{started.pk}/"' in html
        assert f"<bdi>{started.person_id}</bdi>" in html
        assert f"/paie/statuts/{stays.pk}/" not in html  # unchanged: not listed
        assert f'href="{prefix}/paie/{february.pk}/differences.xlsx"' in html


def test_the_withheld_list_links_each_name_to_where_its_rib_is_corrected(world, verified_client):
    paid, unpaid = world.status("intern"), world.status("intern")
    world.bank(paid.person)
    run = world.closed(D(2026, 1, 1))
    client = verified_client(world.officer)
    html = client.get(f"/paie/{run.pk}/sans-rib/").content.decode()
    assert f'href="/paie/statuts/{unpaid.pk}/#compte"' in html and 'class="fix-rib"' in html
    assert f"<bdi>{unpaid.person_id}</bdi>" in html
    assert f"/paie/statuts/{paid.pk}/" not in html
    # There the RIB is entered (the bank account form of the pay file).
    pay_file = client.get(f"/paie/statuts/{unpaid.pk}/").content.decode()
    assert 'id="compte"' in pay_file and f'action="/paie/statuts/{unpaid.pk}/compte/"' in pay_file


def test_no_link_to_a_pay_file_the_reader_may_not_open(world, verified_client):
    """A trainee's account sees neither pay files nor the payroll; a reader of the run is given the
    link only for the files in their scope (payroll/links.py)."""
    from residanat.payroll import links

    status = world.status("resident")
    other_centre = world.status("resident", hospital_centre=HospitalCentreFactory())
    assert links.readable_files(world.director, [status.pk, other_centre.pk]) == {status.pk}
    assert links.readable_files(user_with_role(Role.TRAINEE), [status.pk]) == set()


def test_the_lines_export_lists_the_lines_of_the_page_with_the_number(world, verified_client):
    statuses = namesakes(world, 2)
    world.status("extern", study_year=4, start=D(2025, 9, 1))
    run = do_compute_run(do_open_run(world.officer, D(2026, 1, 1), "MSPS"), world.officer)
    client = verified_client(world.officer)
    page = client.get(f"/paie/{run.pk}/lignes/").content.decode()
    assert f'href="/paie/{run.pk}/lignes.xlsx"' in page
    sheet = sheet_of(client.get(f"/paie/{run.pk}/lignes.xlsx"))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("N° de stagiaire", "Nom", "Prénom", "Nom (arabe)", "Prénom (arabe)")
    assert len(rows) - 1 == run.lines.count()
    numbers = {row[0] for row in rows[1:]}
    assert {s.person_id for s in statuses} <= numbers
    first = next(row for row in rows[1:] if row[0] == statuses[0].person_id)
    assert first[1] == "AIT LAHCEN" and first[5] == "interne" and first[9].date() == D(2026, 1, 1)
    assert first[10] == 31  # days
    assert isinstance(first[12], (int, float)) and Decimal(str(first[12])) > 0  # an amount, not a text
    assert sum(Decimal(str(row[12])) for row in rows[1:]).quantize(Decimal("0.01")) == run.total
    # The page's filters carry over (the link keeps them).
    filtered = client.get(f"/paie/{run.pk}/lignes/?status_kind=extern").content.decode()
    assert f'href="/paie/{run.pk}/lignes.xlsx?status_kind=extern' in filtered
    externs = list(sheet_of(client.get(f"/paie/{run.pk}/lignes.xlsx?status_kind=extern")).iter_rows(values_only=True))
    assert {row[5] for row in externs[1:]} == {"externe"}


def test_the_differences_export_words_every_reason(world, verified_client):
    world.status("intern")
    ended = world.status("intern", end=D(2026, 1, 20))
    world.closed(D(2026, 1, 1))
    started = world.status("intern", start=D(2026, 2, 15))
    february = do_compute_run(do_open_run(world.officer, D(2026, 2, 1), "MSPS"), world.officer)
    rows = list(sheet_of(verified_client(world.officer).get(f"/paie/{february.pk}/differences.xlsx"))
                .iter_rows(values_only=True))
    assert rows[0][-4:] == ("Mois précédent", "Ce mois", "Écart", "Motifs")
    by_number = {row[0]: row for row in rows[1:]}
    assert set(by_number) == {ended.person_id, started.person_id}
    assert "Entrée dans la paie : statut (interne) commencé le 15/02/2026" in by_number[started.person_id][-1]
    assert "Sortie de la paie : statut terminé le 20/01/2026" in by_number[ended.person_id][-1]
    assert "<" not in by_number[ended.person_id][-1]  # plain text, no markup
    assert Decimal(str(by_number[ended.person_id][-2])) < 0


def test_the_exports_in_arabic_read_right_to_left(world, verified_client):
    world.status("intern")
    run = do_compute_run(do_open_run(world.officer, D(2026, 1, 1), "MSPS"), world.officer)
    client = verified_client(world.officer)
    for what in ("lignes", "differences"):
        sheet = sheet_of(client.get(f"/ar/paie/{run.pk}/{what}.xlsx"))
        assert sheet.sheet_view.rightToLeft
        assert sheet.cell(1, 1).value == "رقم المتدرب"


def test_a_payroll_officer_of_another_scope_cannot_export(world, verified_client):
    world.status("resident")
    run = do_compute_run(do_open_run(world.chu_officer, D(2026, 1, 1), "CHU", hospital_centre=world.centre),
                         world.chu_officer)
    elsewhere = user_with_role(Role.PAYROLL_OFFICER, hospital_centre=HospitalCentreFactory())
    dean = user_with_role(Role.DEAN_OFFICE, faculty=world.faculty)
    for what in ("lignes.xlsx", "differences.xlsx"):
        assert verified_client(elsewhere).get(f"/paie/{run.pk}/{what}").status_code == 404
        assert verified_client(dean).get(f"/paie/{run.pk}/{what}").status_code == 403
        assert verified_client(world.director).get(f"/paie/{run.pk}/{what}").status_code == 200
        assert verified_client(world.chu_officer).get(f"/paie/{run.pk}/{what}").status_code == 200
