"""Where a trainee works is the rotation they are in on the date, everywhere (issue 18 item 4): the
person page, the pay file, the payslip and the run's totals by establishment; the place recorded
when the status started (the first service) is only the fallback."""

import datetime as dt

import pytest
from django.utils import timezone

from residanat.careers.models import Rotation
from residanat.careers.workplace import workplace
from residanat.payroll import payslips
from residanat.payroll.documents import summary_facts
from residanat.payroll.runs import do_compute_run, do_open_run
from residanat.payroll.totals import run_totals
from tests.payroll.world import PayrollWorld
from tests.referential.factories import EstablishmentFactory, HospitalServiceFactory

D = dt.date
pytestmark = pytest.mark.django_db


class World(PayrollWorld):
    def __init__(self):
        super().__init__()
        self.first = HospitalServiceFactory(establishment=self.hospital, name_fr="Pédiatrie I", name_ar="طب الأطفال 1")
        self.other = EstablishmentFactory(hospital_centre=self.centre, name_fr="Hôpital Ibn Rochd",
                                          name_ar="مستشفى ابن رشد")
        self.current = HospitalServiceFactory(establishment=self.other, name_fr="Chirurgie générale",
                                              name_ar="الجراحة العامة")

    def rotation(self, status, service, start, end):
        return Rotation.objects.create(status=status, service=service, start_date=start, end_date=end,
                                       assigned_by=self.ministry)


@pytest.fixture
def w():
    return World()


def _between(page: str, start: str, end: str) -> str:
    at = page.index(start)
    return page[at:page.index(end, at)]


def test_the_person_page_and_the_pay_file_show_the_rotation_in_progress_not_the_first_service(w, verified_client):
    today = timezone.localdate()
    intern = w.status("intern", start=today - dt.timedelta(days=400), service=w.first)
    w.rotation(intern, w.first, today - dt.timedelta(days=400), today - dt.timedelta(days=200))
    w.rotation(intern, w.current, today - dt.timedelta(days=30), today + dt.timedelta(days=150))
    assert workplace(intern, today).service == w.current
    # Before any rotation of its own, the place recorded on the status stands.
    assert workplace(intern, today - dt.timedelta(days=500)).service == w.first
    client = verified_client(w.ministry)
    for prefix, current, first in (("", "Chirurgie générale", "Pédiatrie I"), ("/ar", "الجراحة العامة", "طب الأطفال 1")):
        statuses = _between(client.get(f"{prefix}/personnes/{intern.person_id}/").content.decode(), "<table", "</table>")
        assert current in statuses and first not in statuses
        pay_file = verified_client(w.officer).get(f"{prefix}/paie/statuts/{intern.pk}/").content.decode()
        place = _between(pay_file, 'class="facts"', "</dl>")
        assert current in place and first not in place


def test_a_run_counts_interns_and_externs_under_the_establishment_of_their_rotation(w):
    # January 2026: the intern (status recorded at her first service's hospital) and an extern
    # (no establishment on the status) both serve in Chirurgie générale, Hôpital Ibn Rochd.
    intern = w.status("intern", service=w.first)
    extern = w.status("extern", study_year=5, start=D(2025, 9, 1), establishment=None)
    unplaced = w.status("extern", study_year=4, start=D(2025, 9, 1), establishment=None)
    w.rotation(intern, w.first, D(2025, 11, 1), D(2025, 12, 31))
    w.rotation(intern, w.current, D(2026, 1, 1), D(2026, 6, 30))
    w.rotation(extern, w.current, D(2026, 1, 5), D(2026, 3, 31))
    run = do_compute_run(do_open_run(w.officer, D(2026, 1, 1), "MSPS"), w.officer)
    by_establishment = {row.key: row for row in run_totals(run).by_establishment}
    assert by_establishment[w.other.pk].trainees == 2
    assert w.hospital.pk not in by_establishment
    # An extern with no clinical placement that month has no establishment: counted under the
    # hospital centre that pays and employs them, never in a "sans établissement" row.
    assert run.lines.get(status=unplaced).establishment_id is None
    centre_row = by_establishment[f"centre-{w.centre.pk}"]
    assert centre_row.trainees == 1 and None not in by_establishment
    assert centre_row.label == f"{w.centre.name_fr} — établissement non précisé"
    assert centre_row.label_ar == f"{w.centre.name_ar} — مؤسسة غير محددة"
    summary = {r["label"] for r in summary_facts(run, "fr")["by_establishment"]}
    assert summary == {"Hôpital Ibn Rochd", centre_row.label}
    slip = payslips.find_payslip(w.officer, run.pk, intern.person_id)
    assert [s["place"] for s in payslips.payslip_facts(slip, "fr")["statuses"]] == ["Hôpital Ibn Rochd"]
    assert [s["place"] for s in payslips.payslip_facts(slip, "ar")["statuses"]] == ["مستشفى ابن رشد"]
