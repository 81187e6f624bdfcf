"""Journeys in a real browser (Debian's Chromium), in French and Arabic, each ending in a screenshot."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

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

    page.goto(f"{live_server.url}/compte/connexion/")
    page.fill("#id_username", dean.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    # Staff roles set up TOTP before anything else.
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
    page.wait_for_function("document.querySelectorAll('#people-rows tbody tr').length === 1")
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
