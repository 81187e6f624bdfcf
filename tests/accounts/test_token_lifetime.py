"""API tokens expire after a lifetime set in the settings, shown on the account page (issue 20 item 8)."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from residanat.accounts import services
from residanat.accounts.models import ApiToken
from residanat.accounts.roles import Role
from tests.accounts.factories import user_with_role

pytestmark = pytest.mark.django_db


def call_me(raw):
    return Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})


def test_a_token_issued_without_a_date_expires_after_the_settings_lifetime(settings):
    settings.API_TOKEN_LIFETIME_DAYS = 30
    user = user_with_role(Role.TRAINEE)
    before = timezone.now()
    _, raw = services.do_issue_api_token(user, "script")
    token = ApiToken.objects.get(user=user)
    assert before + dt.timedelta(days=30) <= token.expires_at <= timezone.now() + dt.timedelta(days=30)
    assert call_me(raw).status_code == 200


def test_a_token_past_its_lifetime_gets_401_and_a_fresh_one_works(settings):
    settings.API_TOKEN_LIFETIME_DAYS = 90
    user = user_with_role(Role.TRAINEE)
    _, old = services.do_issue_api_token(user, "old")
    ApiToken.objects.filter(user=user).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert call_me(old).status_code == 401
    _, fresh = services.do_issue_api_token(user, "fresh")
    assert call_me(fresh).status_code == 200


def test_every_token_has_an_expiry():
    assert not ApiToken._meta.get_field("expires_at").null


@pytest.mark.parametrize(("prefix", "lifetime_text"), [("", "90 jours"), ("/ar", "90 يومًا")])
def test_the_account_page_shows_each_expiry_and_the_lifetime(settings, prefix, lifetime_text):
    settings.API_TOKEN_LIFETIME_DAYS = 90
    user = user_with_role(Role.TRAINEE)
    services.do_issue_api_token(user, "script")
    ApiToken.objects.filter(user=user).update(expires_at=dt.datetime(2027, 3, 7, 12, tzinfo=dt.timezone.utc))
    client = Client()
    client.force_login(user)
    html = client.get(f"{prefix}/compte/").content.decode()
    assert "07/03/2027" in html  # day/month/year in both languages
    assert lifetime_text in html
    issued = client.post(f"{prefix}/compte/", {"action": "token", "name": "ci"}).content.decode()
    # The day the token's instant falls on in Morocco: around midnight, with Ramadan's hour (UTC+0)
    # in force 90 days later and not today, that is not always today's date + 90 days.
    token = ApiToken.objects.get(user=user, name="ci")
    assert abs(token.expires_at - (timezone.now() + dt.timedelta(days=90))) < dt.timedelta(minutes=1)
    assert timezone.localdate(token.expires_at).strftime("%d/%m/%Y") in issued
