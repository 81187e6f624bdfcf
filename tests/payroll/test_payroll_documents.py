"""The run summary and the payslips as real PDFs, in French and Arabic: the amounts, the Arabic
names, the audit, the adjustments with their month and reason, the masked RIB; PROVISOIRE until
the run is closed, then an issued (numbered, verifiable) document given back for the same facts."""

import datetime as dt
from decimal import Decimal

import pytest

from residanat.documents.models import IssuedDocument
from residanat.documents.verification import verify_hash
from residanat.payroll import documents, payslips
from residanat.payroll.models import BankAccount, StipendStop
from residanat.payroll.runs import do_approve_run, do_close_run, do_compute_run, do_open_run
from tests.documents.helpers import pdf_text
from tests.payroll.world import PayrollWorld

D = dt.date
pytestmark = [pytest.mark.django_db, pytest.mark.pdf]


def text_of(pdf: bytes) -> str:
    assert pdf[:5] == b"%PDF-"
    # Amounts are printed "1 800,00" with a no-break space; a reader copies a plain one.
    return " ".join(pdf_text(pdf).replace("\u00a0", " ").split())


@pytest.fixture
def w():
    world = PayrollWorld()
    for user, (first, last) in ((world.officer, ("Nadia", "Berrada")), (world.second_officer, ("Youssef", "Tazi"))):
        user.first_name, user.last_name = first, last
        user.save()
    return world


@pytest.fixture
def months(w):
    """January closed for an intern (with a RIB), an extern (with a RIB) and a public-health intern
    (without); a stop of 1–10 January recorded afterwards, so February recovers 580.64."""
    intern = w.status("intern")
    intern.person.last_name_ar, intern.person.first_name_ar = "بنعلي", "مريم"
    intern.person.save()
    extern = w.status("extern", study_year=5, start=D(2025, 9, 1))
    ph = w.status("public_health_intern")
    w.bank(intern.person)
    w.bank(extern.person)
    january = do_open_run(w.officer, D(2026, 1, 1), "MSPS")
    january = do_close_run(do_approve_run(do_compute_run(january, w.officer), w.second_officer), w.officer)
    StipendStop.objects.create(status=intern, start_date=D(2026, 1, 1), end_date=D(2026, 1, 10),
                               decision_ref="Conseil 1/2026", recorded_by=w.officer)
    february = do_compute_run(do_open_run(w.officer, D(2026, 2, 1), "MSPS"), w.officer)
    return {"january": january, "february": february, "intern": intern, "extern": extern, "ph": ph}


# --- the run summary -----------------------------------------------------------------------------

def test_a_closed_runs_summary_gives_payer_month_audit_totals_and_withheld(w, months):
    january = months["january"]
    text = text_of(documents.summary_pdf(january, "fr", w.officer))
    assert "Synthèse de la paie mensuelle" in text and "Ministère de la Santé" in text and "janvier 2026" in text
    assert "clôturée" in text and "PROVISOIRE" not in text
    assert "Nadia Berrada" in text and "Youssef Tazi" in text
    # 1,800 + 165 + 1,338: the total, per establishment (the interns' hospital, the public-health one)...
    assert "3 303,00" in text and "1 965,00" in text and "1 338,00" in text
    assert w.hospital.name_fr in text and w.ph_hospital.name_fr in text
    assert "interne des hôpitaux de santé publique" in text and "externe" in text
    # ... paid by transfer 1,965 to two persons; 1,338 held back for want of a RIB.
    assert "Virés (net positif, RIB valide) 2 1 965,00" in text
    assert "Retenus : payables sans RIB valide 1 1 338,00" in text
    document = IssuedDocument.objects.get(kind=documents.RUN_SUMMARY)
    assert document.number in text and verify_hash(document.number, document.content_hash).valid


def test_the_summary_of_a_closed_run_is_issued_once_for_the_same_facts(w, months):
    january = months["january"]
    first = documents.summary_pdf(january, "fr", w.officer)
    assert documents.summary_pdf(january, "fr", w.second_officer) == first
    documents.summary_pdf(january, "ar", w.officer)
    assert IssuedDocument.objects.filter(kind=documents.RUN_SUMMARY).count() == 2


def test_an_open_runs_summary_is_provisional_and_lists_adjustments_by_month_and_reason(w, months):
    text = text_of(documents.summary_pdf(months["february"], "fr", w.officer))
    assert "PROVISOIRE : la paie est « calculée », pas clôturée" in text
    assert "Régularisations par mois corrigé et motif" in text
    assert "janvier 2026 exclusion temporaire" in text
    assert documents.summary_facts(months["february"], "fr")["adjustments"] == [
        {"month": D(2026, 1, 1), "reason": "exclusion temporaire enregistrée après la clôture", "persons": 1,
         "lines": 1, "total": "-483,87"}]
    # February: 1,800 + 165 + 1,338 − 483.87 (D93 art. 30: the housing allowance is not recovered).
    assert "2 819,13" in text and "-483,87" in text
    assert not IssuedDocument.objects.exists()


def test_the_arabic_summary_names_the_payer_and_establishments_in_arabic(w, months):
    w.hospital.name_ar = "المستشفى الجامعي ابن رشد"
    w.hospital.save()
    text = text_of(documents.summary_pdf(months["january"], "ar", w.officer))
    assert "المستشفى الجامعي ابن رشد" in text
    assert "1 965,00" in text and "3 303,00" in text


def test_a_gst_runs_letterhead_and_summary_name_the_group(w):
    seventh = w.status("seventh_year_intern_duties", start=D(2025, 1, 1))
    w.group.powers_from = D(2025, 1, 1)
    w.group.save()
    run = do_compute_run(do_open_run(w.officer, D(2025, 1, 1), "GST", health_group=w.group), w.officer)
    assert run.lines.filter(status=seventh).exists()
    assert "GST test" in text_of(documents.summary_pdf(run, "fr", w.officer))
    assert "م ص ت" in text_of(documents.summary_pdf(run, "ar", w.officer))


# --- payslips ------------------------------------------------------------------------------------

def test_a_closed_runs_payslip_gives_every_line_the_total_and_the_masked_rib(w, months):
    intern = months["intern"]
    slip = payslips.find_payslip(intern.person.user or w.officer, months["january"].pk, intern.person_id)
    text = text_of(payslips.payslip_pdf(slip, "fr", w.officer))
    assert "Bulletin de paie 01/2026" in text and "PROVISOIRE" not in text
    assert intern.person.full_name in text and "بنعلي" in text
    assert "interne" in text and w.hospital.name_fr in text and "Ministère de la Santé" in text
    assert "Indemnité de l'interne D93 art. 18 31 1 500,00 1 500,00" in text
    assert "Indemnité de logement de l'interne D93 art. 18 31 300,00 300,00" in text
    assert "Net à payer : 1 800,00 MAD" in text
    rib = BankAccount.objects.get(person=intern.person).rib
    assert rib[-4:] in text and rib[:20] not in text and rib not in text.replace(" ", "")
    document = IssuedDocument.objects.get(kind=payslips.PAYSLIP, person=intern.person)
    assert document.number in text


def test_a_payslip_shows_the_adjustments_with_the_month_corrected_and_the_reason(w, months):
    intern = months["intern"]
    slip = payslips.find_payslip(w.officer, months["february"].pk, intern.person_id)
    assert slip.provisional
    text = text_of(payslips.payslip_pdf(slip, "fr", w.officer))
    assert "PROVISOIRE : la paie est « calculée »" in text
    assert "Régularisations des mois précédents" in text and "01/2026" in text
    # The reason wraps in its cell: its words come between the other columns' in the extracted text.
    assert "01/2026 Indemnité" in text and "exclusion temporaire" in text and "-483,87" in text
    # D93 art. 30: the indemnité is recovered, not the housing allowance.
    assert "-96,77" not in text
    assert "Net à payer : 1 316,13 MAD" in text
    assert not IssuedDocument.objects.filter(kind=payslips.PAYSLIP).exists()


def test_the_arabic_payslip_carries_the_arabic_name_and_the_amounts(w, months):
    intern = months["intern"]
    slip = payslips.find_payslip(w.officer, months["january"].pk, intern.person_id)
    text = text_of(payslips.payslip_pdf(slip, "ar", w.officer))
    assert "بنعلي" in text and "مريم" in text
    assert "1 500,00" in text and "300,00" in text and "1 800,00" in text
    assert IssuedDocument.objects.get(kind=payslips.PAYSLIP).language == "ar"


def test_a_payslip_without_a_rib_says_the_net_is_not_transferred(w, months):
    ph = months["ph"]
    slip = payslips.find_payslip(w.officer, months["january"].pk, ph.person_id)
    text = text_of(payslips.payslip_pdf(slip, "fr", w.officer))
    assert "Aucun RIB enregistré" in text and "1 338,00" in text


def test_a_payslip_is_issued_once_for_the_same_facts(w, months):
    intern = months["intern"]
    slip = payslips.find_payslip(w.officer, months["january"].pk, intern.person_id)
    first = payslips.payslip_pdf(slip, "fr", w.officer)
    assert payslips.payslip_pdf(slip, "fr", w.second_officer) == first
    assert IssuedDocument.objects.filter(kind=payslips.PAYSLIP).count() == 1


def test_every_code_has_a_french_label_and_a_rib_shows_only_its_last_four_digits():
    codes = {"extern.stipend", "intern.stipend", "intern.housing", "resident.stipend", "resident.salary_outside",
             "ph_intern.stipend", "ph_intern.housing", "seventh_year.lump_sum"}
    assert set(payslips.CODE_LABELS) == codes
    assert all(payslips.code_label(code) != code for code in codes)
    masked = payslips.mask_rib("011780000000000000000123")
    assert masked.endswith("0123") and masked.count("•") == 20 and "0000" not in masked
    assert documents.money(Decimal("-1234567.5")) == "-1\u00a0234\u00a0567,50"


def test_d93_art_27_a_civil_servants_payslip_names_their_administration_as_payer_of_the_salary():
    """D93 art. 27 last ¶: "يستمر ... في تقاضي الأجرة المقررة لوضعيتهم النظامية": not the CHU's salary."""
    from django.utils import translation

    with translation.override("fr"):
        assert "administration du résident" in payslips.code_label("resident.salary_outside", "ADMINISTRATION")
        assert "fonctionnaire stagiaire" in payslips.code_label("resident.salary_outside", "CHU")
        assert "administration du résident" in str(documents.LINE_PAYERS["ADMINISTRATION"])
