"""The language of the page where a person logs in is kept through the password and TOTP steps
and saved on the user (issue 18, item 9: logging in from an Arabic page landed in French)."""

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from residanat.accounts.roles import Role
from tests.accounts.factories import PASSWORD, user_with_role
from tests.accounts.test_login_security import current_code
from tests.people.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_trainee_logging_in_on_the_arabic_page_lands_on_the_arabic_page_asked():
    user = user_with_role(Role.TRAINEE)
    PersonFactory(user=user)
    assert user.language == "fr"
    client = Client()
    # Where login_required sends an anonymous visitor of an Arabic page.
    login_page = client.get("/ar/paie/mes-bulletins/")["Location"]
    assert login_page.startswith("/ar/compte/connexion/")
    response = client.post(login_page, {"username": user.username, "password": PASSWORD,
                                        "next": "/ar/paie/mes-bulletins/"})
    assert response["Location"] == "/ar/paie/mes-bulletins/"
    user.refresh_from_db()
    assert user.language == "ar"
    assert client.get(response["Location"]).headers["Content-Language"] == "ar"


def test_a_trainee_logging_in_on_the_arabic_page_without_next_lands_on_the_arabic_dashboard():
    user = user_with_role(Role.TRAINEE)
    response = Client().post("/ar/compte/connexion/", {"username": user.username, "password": PASSWORD})
    assert response["Location"] == "/ar/"


def test_staff_logging_in_on_the_arabic_page_get_the_arabic_totp_step_then_the_arabic_dashboard():
    user = user_with_role(Role.MINISTRY_ADMIN)
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client = Client()
    home = client.post("/ar/compte/connexion/", {"username": user.username, "password": PASSWORD})["Location"]
    assert home == "/ar/"
    step = client.get(home)["Location"]
    assert step.startswith("/ar/compte/verification/")
    page = client.get(step)
    assert page.headers["Content-Language"] == "ar"
    response = client.post(step, {"token": current_code(device)})
    assert response["Location"] == "/ar/"
    assert client.get("/ar/").status_code == 200
    user.refresh_from_db()
    assert user.language == "ar"


def test_the_language_of_the_next_page_wins_over_the_saved_one():
    user = user_with_role(Role.TRAINEE)
    assert user.language == "fr"
    response = Client().post("/compte/connexion/", {"username": user.username, "password": PASSWORD,
                                                    "next": "/ar/paie/mes-bulletins/"})
    assert response["Location"] == "/ar/paie/mes-bulletins/"
    user.refresh_from_db()
    assert user.language == "ar"
