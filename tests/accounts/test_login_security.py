"""Lockout after repeated failures (django-axes) and TOTP two-factor for staff roles."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from residanat.accounts import enrolment
from residanat.accounts.roles import Role
from tests.accounts.factories import PASSWORD, user_with_role
from tests.people.factories import PersonFactory
from tests.web.answers import observed
from tests.referential.factories import FacultyFactory

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_five_failed_logins_lock_the_account_even_for_the_right_password():
    user = user_with_role(Role.MINISTRY_ADMIN)
    client = Client()
    for _ in range(5):
        response = login(client, user.username, "wrong password")
        assert response.status_code in (200, 429)
    response = login(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_four_failed_logins_do_not_lock():
    user = user_with_role(Role.TRAINEE)
    client = Client()
    for _ in range(4):
        login(client, user.username, "wrong password")
    response = login(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_locked_account_does_not_lock_another_account():
    victim = user_with_role(Role.TRAINEE)
    other = user_with_role(Role.TRAINEE)
    client = Client()
    for _ in range(5):
        login(client, victim.username, "wrong password")
    assert login(client, other.username, PASSWORD).status_code == 302


def test_staff_login_is_sent_to_totp_setup_before_any_page():
    user = user_with_role(Role.MINISTRY_ADMIN)
    raw, _ = enrolment.do_issue_enrolment_code(user)  # the first enrolment needs it (issue 20 item 8)
    client = Client()
    login(client, user.username, PASSWORD)
    response = client.get(reverse("people:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp"))
    client.post(reverse("accounts:enrol"), {"code": raw})
    setup = client.get(reverse("accounts:otp"))
    assert setup.status_code == 200
    assert b"<svg" in setup.content  # the QR code to scan


def test_staff_totp_setup_with_the_right_code_confirms_the_device_and_opens_the_pages():
    user = user_with_role(Role.DEAN_OFFICE, faculty=FacultyFactory())
    raw, _ = enrolment.do_issue_enrolment_code(user)
    client = Client()
    login(client, user.username, PASSWORD)
    client.post(reverse("accounts:enrol"), {"code": raw})
    client.get(reverse("accounts:otp"))
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    response = client.post(reverse("accounts:otp"), {"token": current_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("people:list")).status_code == 200


def test_a_wrong_totp_code_is_refused_and_pages_stay_closed():
    user = user_with_role(Role.MINISTRY_ADMIN)
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client = Client()
    login(client, user.username, PASSWORD)
    wrong = f"{(int(current_code(device)) + 1) % 1000000:06d}"
    response = client.post(reverse("accounts:otp"), {"token": wrong})
    assert response.status_code == 200
    assert "Code incorrect" in response.content.decode()
    assert client.get(reverse("people:list")).status_code == 302


def test_staff_session_without_totp_gets_403_from_the_api():
    user = user_with_role(Role.MINISTRY_ADMIN)
    client = Client()
    client.force_login(user)
    assert client.get("/api/v1/me").status_code == 403


def test_trainee_needs_no_totp():
    user = user_with_role(Role.TRAINEE)
    PersonFactory(user=user)
    client = Client()
    login(client, user.username, PASSWORD)
    assert client.get(reverse("people:list")).status_code == 200


def test_login_continues_in_the_users_language():
    user = user_with_role(Role.TRAINEE)
    user.language = "ar"
    user.save()
    response = login(Client(), user.username, PASSWORD)
    assert response["Location"].startswith("/ar/")


def test_switching_language_is_kept_on_the_user(verified_client):
    user = user_with_role(Role.MINISTRY_ADMIN)
    client = verified_client(user)
    response = client.post(reverse("set_language"), {"language": "ar", "next": "/personnes/"})
    assert response.status_code == 302
    assert response["Location"] == "/ar/personnes/"
    user.refresh_from_db()
    assert user.language == "ar"


# --- what an anonymous visitor learns (issue 20 item 4) ---------------------------------------------

def login_answer(response, typed):
    return observed(response, response.content.decode().replace(typed, "TYPED"))


def test_an_unknown_username_a_wrong_password_and_an_inactive_account_get_the_same_answer():
    known = user_with_role(Role.TRAINEE)
    inactive = user_with_role(Role.TRAINEE)
    inactive.is_active = False
    inactive.save()
    unknown = login_answer(login(Client(), "personne.inconnue", "wrong password"), "personne.inconnue")
    assert unknown[0] == 200
    assert login_answer(login(Client(), known.username, "wrong password"), known.username) == unknown
    assert login_answer(login(Client(), inactive.username, PASSWORD), inactive.username) == unknown


def test_an_unknown_username_is_locked_out_like_a_known_one():
    known = user_with_role(Role.TRAINEE)
    answers = []
    for username in (known.username, "personne.inconnue"):
        client = Client()
        for _ in range(5):
            login(client, username, "wrong password")
        answers.append(login_answer(login(client, username, "wrong password"), username))
    assert answers[0] == answers[1]
    assert answers[0][0] == 429


@override_settings(BEHIND_PROXY=True)
def test_behind_the_proxy_the_lockout_counts_per_forwarded_client_address():
    user = user_with_role(Role.TRAINEE)
    proxy = "10.0.0.2"
    attacker = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.66")
    for _ in range(5):
        login(attacker, user.username, "wrong password")
    assert login(attacker, user.username, PASSWORD).status_code == 429
    # The owner, behind the same proxy from another address, still signs in.
    owner = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.10")
    assert login(owner, user.username, PASSWORD).status_code == 302
