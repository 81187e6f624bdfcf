"""Journeys in a real browser (Debian's Chromium), in French and Arabic, each ending in a screenshot."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from residanat.accounts import enrolment
from residanat.accounts.roles import Role
from tests.accounts.factories import PASSWORD, user_with_role
from tests.people.factories import PersonFactory, TraineeStatusFactory
from tests.referential.factories import FacultyFactory

pytestmark = pytest.mark.django_db(transaction=True)


def code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_dean_signs_in_with_totp_searches_trainees_and_switches_to_arabic(live_server, page, shot):
    faculty = FacultyFactory()
    dean = user_with_role(Role.DEAN_OFFICE, faculty=faculty)
    for name, name_ar in (("Bennani", "بناني"), ("Tazi", "التازي")):
        TraineeStatusFactory(faculty=faculty, person=PersonFactory(last_name=name, last_name_ar=name_ar))
    outsider = TraineeStatusFactory().person
    enrolment_code, _ = enrolment.do_issue_enrolment_code(dean)

    page.goto(f"{live_server.url}/compte/connexion/")
    page.fill("#id_username", dean.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    # Staff roles set up TOTP before anything else, the first time with their administrator's code.
    assert "/compte/enrolement/" in page.url
    assert page.locator(".qr svg").count() == 0
    page.fill("#id_code", enrolment_code)
    page.click("main button[type=submit]")
    assert "/compte/verification/" in page.url
    assert page.locator(".qr svg").count() == 1
    device = TOTPDevice.objects.get(user=dean)
    page.fill("#id_token", code(device))
    page.click("main button[type=submit]")
    assert page.locator("h1").inner_text() == "Tableau de bord"

    page.goto(f"{live_server.url}/personnes/")
    assert page.locator("#people-rows tbody tr").count() == 2
    assert outsider.full_name not in page.content()
    # HTMX narrows the list as one types.
    page.fill("#q", "Tazi")
    page.wait_for_function("() => document.querySelectorAll('#people-rows tbody tr').length === 1")
    assert "TAZI" in page.locator("#people-rows tbody").inner_text()
    shot(page, "dean_people_search_fr")

    page.click("form.langswitch button")
    page.wait_for_url("**/ar/personnes/**")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    shot(page, "dean_people_search_ar")
    dean.refresh_from_db()
    assert dean.language == "ar"


def test_trainee_sees_own_file_in_arabic_and_issues_an_attestation(live_server, page, shot):
    trainee = user_with_role(Role.TRAINEE)
    trainee.language = "ar"
    trainee.save()
    person = PersonFactory(user=trainee, last_name_ar="العلوي", first_name_ar="سلمى")
    TraineeStatusFactory(person=person)

    page.goto(f"{live_server.url}/compte/connexion/")
    page.fill("#id_username", trainee.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    assert "/ar/" in page.url  # the language is kept per user
    page.goto(f"{live_server.url}/ar/personnes/{person.pk}/")
    assert "العلوي سلمى" in page.content()
    with page.expect_download() as download:
        page.click("form[action$='/attestation/'] button")
    assert download.value.suggested_filename.endswith(".pdf")
    shot(page, "trainee_file_ar")


def test_a_student_registers_online_in_arabic_uploads_documents_and_gets_the_receipt(live_server, page, shot,
                                                                                    tmp_path):
    import datetime as dt

    from residanat.concours.models import Candidate, Competition
    from tests.concours.factories import CompetitionFactory

    faculty = FacultyFactory()
    competition = CompetitionFactory(kind=Competition.Kind.INTERNAT, faculty=faculty, slug="internat-2026-e2e",
                                     state=Competition.State.REGISTRATION_OPEN,
                                     registration_closes_on=dt.date(2026, 12, 15))
    pdf = tmp_path / "piece.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    page.goto(f"{live_server.url}/ar/concours/")
    page.click(f"a[href$='/concours/{competition.slug}/inscription/']")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.fill("#id_email", "salma.e2e@etu.example.ma")
    page.fill("#id_password1", "Une-phrase-longue-2026")
    page.fill("#id_password2", "Une-phrase-longue-2026")
    page.fill("#id_national_id", "BK777001")
    page.fill("#id_last_name", "Alaoui")
    page.fill("#id_first_name", "Salma")
    page.fill("#id_last_name_ar", "العلوي")
    page.fill("#id_first_name_ar", "سلمى")
    page.fill("#id_birth_date", "2001-03-14")
    page.select_option("#id_enrolment_faculty", str(faculty.pk))
    page.fill("#id_study_year", "6")
    page.fill("#id_validated_years", "5")
    for kind in ("identity", "enrolment", "transcript"):
        page.set_input_files(f"#id_doc_{kind}", str(pdf))
    shot(page, "candidate_registration_ar")
    page.click("main form button[type=submit]")

    candidate = Candidate.objects.get(competition=competition)
    assert candidate.number == "I26-0001"
    assert candidate.state == Candidate.State.ELIGIBLE
    assert candidate.documents.count() == 3
    # The page says the same to a new and a known identity (issue 20 item 4): the candidate signs
    # in and is sent back to the registration page, which now shows the number and the receipt.
    assert "I26-0001" not in page.content()
    shot(page, "candidate_registration_received_ar")
    page.click("main a.button[href*='/compte/connexion/']")
    page.fill("#id_username", "salma.e2e@etu.example.ma")
    page.fill("#id_password", "Une-phrase-longue-2026")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/ar/concours/{competition.slug}/inscription/")
    assert "I26-0001" in page.content()
    shot(page, "candidate_registered_ar")
    link = page.locator(f"a[href*='/candidatures/{candidate.pk}/recu.pdf']").first.get_attribute("href")
    receipt = page.request.get(f"{live_server.url}{link}")  # with the new account's session
    assert receipt.headers["content-type"] == "application/pdf"
    assert receipt.body().startswith(b"%PDF")
