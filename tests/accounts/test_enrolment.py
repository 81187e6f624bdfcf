"""First TOTP enrolment of a staff account needs a one-time code from an administrator (issue 20 item 8).

Without it, whoever first typed a staff account's password enrolled their own authenticator.
"""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from residanat.accounts import enrolment
from residanat.accounts.models import EnrolmentCode
from residanat.accounts.roles import Role
from tests.accounts.factories import PASSWORD, user_with_role
from tests.referential.factories import HospitalServiceFactory

pytestmark = pytest.mark.django_db


def login(username):
    client = Client()
    assert client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD}).status_code == 302
    return client


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def head_of_service():
    return user_with_role(Role.HEAD_OF_SERVICE, service=HospitalServiceFactory())


def shows_a_secret(response):
    html = response.content.decode()
    return "<svg" in html or "otpauth://" in html or any(
        d.config_url in html for d in TOTPDevice.objects.all())


def test_a_staff_account_without_a_device_gets_no_secret_with_the_password_alone():
    user = head_of_service()
    client = login(user.username)
    response = client.get(reverse("accounts:otp"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:enrol"))
    assert not shows_a_secret(response)
    assert "administrateur" in response.content.decode()
    # Posting a TOTP "confirmation" straight away confirms nothing either.
    client.post(reverse("accounts:otp"), {"token": "123456"})
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert client.get(reverse("people:list")).status_code == 302


def test_the_refusal_is_said_in_arabic_too():
    user = head_of_service()
    client = login(user.username)
    response = client.get("/ar/compte/enrolement/")
    assert response.status_code == 200
    assert "اطلب" in response.content.decode()  # "ask your administrator"
    assert not shows_a_secret(response)


def test_with_a_valid_administrator_code_the_account_enrols_once():
    user = head_of_service()
    admin = user_with_role(Role.MINISTRY_ADMIN)
    raw, _ = enrolment.do_issue_enrolment_code(user, by=admin)
    client = login(user.username)
    response = client.post(reverse("accounts:enrol"), {"code": raw.lower().replace("-", " ")})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:otp"))
    setup = client.get(reverse("accounts:otp"))
    assert shows_a_secret(setup)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post(reverse("accounts:otp"), {"token": current_code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("people:list")).status_code == 200
    # The same code opens nothing a second time.
    assert not enrolment.do_redeem_enrolment_code(user, raw)


def test_a_used_code_is_refused_in_another_session():
    user = head_of_service()
    raw, _ = enrolment.do_issue_enrolment_code(user)
    first = login(user.username)
    first.post(reverse("accounts:enrol"), {"code": raw})
    second = login(user.username)
    response = second.post(reverse("accounts:enrol"), {"code": raw})
    assert response.status_code == 200
    assert "administrateur" in response.content.decode()
    assert not shows_a_secret(second.get(reverse("accounts:otp"), follow=True))


def test_an_expired_code_is_refused():
    user = head_of_service()
    raw, code = enrolment.do_issue_enrolment_code(user)
    EnrolmentCode.objects.filter(pk=code.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    client = login(user.username)
    response = client.post(reverse("accounts:enrol"), {"code": raw})
    assert response.status_code == 200
    assert not shows_a_secret(client.get(reverse("accounts:otp"), follow=True))


def test_a_new_code_replaces_the_old_one():
    user = head_of_service()
    old, _ = enrolment.do_issue_enrolment_code(user)
    new, _ = enrolment.do_issue_enrolment_code(user)
    assert EnrolmentCode.objects.filter(user=user).count() == 1
    assert not enrolment.do_redeem_enrolment_code(user, old)
    assert enrolment.do_redeem_enrolment_code(user, new)


def test_wrong_codes_are_counted_and_the_code_dies_after_the_limit():
    user = head_of_service()
    raw, _ = enrolment.do_issue_enrolment_code(user)
    client = login(user.username)
    for _ in range(enrolment.MAX_FAILED_ATTEMPTS):
        response = client.post(reverse("accounts:enrol"), {"code": "WRONG-CODE-0000"})
        assert response.status_code == 200
        assert response.context["form"]["code"].value() == "WRONG-CODE-0000"  # typed value kept
    assert EnrolmentCode.objects.get(user=user).failed_attempts == enrolment.MAX_FAILED_ATTEMPTS
    client.post(reverse("accounts:enrol"), {"code": raw})
    assert not shows_a_secret(client.get(reverse("accounts:otp"), follow=True))


def test_the_code_is_not_stored_in_clear():
    user = head_of_service()
    raw, code = enrolment.do_issue_enrolment_code(user)
    stored = EnrolmentCode.objects.filter(pk=code.pk).values()[0]
    normalised = raw.replace("-", "")
    for value in stored.values():
        assert raw not in str(value) and normalised not in str(value)


def test_only_an_administrator_issues_codes_and_never_for_a_trainee_or_an_enrolled_account():
    user = head_of_service()
    with pytest.raises(enrolment.PermissionDenied):
        enrolment.do_issue_enrolment_code(user, by=head_of_service())
    superuser = user_with_role(Role.MINISTRY_ADMIN)
    superuser.is_superuser = True
    superuser.save()
    # The ministry administrator may not open a superuser's account.
    with pytest.raises(enrolment.PermissionDenied):
        enrolment.do_issue_enrolment_code(superuser, by=user_with_role(Role.MINISTRY_ADMIN))
    with pytest.raises(enrolment.EnrolmentRefused):
        enrolment.do_issue_enrolment_code(user_with_role(Role.TRAINEE))
    enrolled = head_of_service()
    TOTPDevice.objects.create(user=enrolled, name="default", confirmed=True)
    with pytest.raises(enrolment.EnrolmentRefused):
        enrolment.do_issue_enrolment_code(enrolled)


def test_a_trainee_still_opts_in_without_a_code():
    user = user_with_role(Role.TRAINEE)
    client = login(user.username)
    assert shows_a_secret(client.get(reverse("accounts:otp")))


def test_the_command_prints_a_code_that_enrols():
    user = head_of_service()
    out = StringIO()
    call_command("enrolment_code", user.username, stdout=out)
    raw = out.getvalue().split()[0]
    assert enrolment.do_redeem_enrolment_code(user, raw)


def test_the_ministry_administrator_gives_a_code_from_the_codes_page(verified_client):
    user = head_of_service()
    admin = verified_client(user_with_role(Role.MINISTRY_ADMIN))
    assert reverse("accounts:enrolment-codes") in admin.get(reverse("accounts:account")).content.decode()
    page = admin.get(reverse("accounts:enrolment-codes"))
    assert page.status_code == 200 and user.username in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    response = admin.post(reverse("accounts:enrolment-codes"), {"user": user.pk})
    assert response.status_code == 200
    raw = response.context["issued"]["code"]
    assert raw in response.content.decode()
    assert enrolment.do_redeem_enrolment_code(user, raw)
    arabic = admin.get("/ar/compte/codes-enrolement/")
    assert arabic.status_code == 200 and "رموز التفعيل" in arabic.content.decode()


def test_a_head_of_service_may_not_open_the_codes_page(verified_client):
    client = verified_client(head_of_service())
    assert reverse("accounts:enrolment-codes") not in client.get(reverse("accounts:account")).content.decode()
    assert client.get(reverse("accounts:enrolment-codes")).status_code == 403
    target = head_of_service()
    assert client.post(reverse("accounts:enrolment-codes"), {"user": target.pk}).status_code == 403
    assert not EnrolmentCode.objects.filter(user=target).exists()


def test_the_django_admin_action_shows_the_codes(verified_client):
    user = head_of_service()
    superuser = user_with_role(Role.MINISTRY_ADMIN)
    superuser.is_superuser = superuser.is_staff = True
    superuser.save()
    client = verified_client(superuser)
    response = client.post("/admin/accounts/user/", {
        "action": "issue_enrolment_codes", "_selected_action": [user.pk]})
    assert response.status_code == 200
    raw = response.context["issued"][0]["code"]
    assert enrolment.do_redeem_enrolment_code(user, raw)
