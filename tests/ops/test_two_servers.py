"""More than one machine (issue 22 item 6): two `residanat serve` on two ports, one database, one
cache, behave as one site. A person signs in through the first and goes on through the second with
the same cookie, what one writes the other shows, a limit counts the requests of both, and a
heartbeat written elsewhere is seen by both. Run with the database cache (the default), and on
PostgreSQL with Redis (CACHE_URL) too. A worker process joins them with `two_servers.environ`."""

import datetime as dt
import json
import uuid

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.sessions.models import Session
from django.utils import timezone

from residanat.accounts.models import User
from residanat.ops import heartbeat

from .helpers import Browser

# Committed rows, and no transaction of the test holding SQLite's write lock while a server writes.
pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "deux-serveurs-une-base"


@pytest.fixture
def person():
    """An account with no role (no TOTP step), its password hashed by a hasher the production
    settings know (the tests' MD5 is not one)."""
    hasher = PBKDF2PasswordHasher()
    return User.objects.create(username=f"deux-{uuid.uuid4().hex[:8]}", email="deux@example.ma",
                               password=hasher.encode(PASSWORD, hasher.salt(), iterations=1000))


def sign_in(browser, server, user):
    status, landed, page = browser.post_form(server.url + "/compte/connexion/",
                                             {"username": user.username, "password": PASSWORD})
    assert status == 200 and "/connexion/" not in landed, server.stderr()[-3000:]
    return browser.cookie("sessionid")


def test_a_session_opened_on_one_server_is_honoured_by_the_other(two_servers, person):
    first, second = two_servers.first, two_servers.second
    browser = Browser()
    session = sign_in(browser, first, person)
    status, landed, page = browser.request(second.url + "/compte/")
    assert status == 200 and landed == second.url + "/compte/"
    assert person.username in page
    # Signed out through the second, the session is gone for the first too.
    browser.request(second.url + "/compte/deconnexion/", {"csrfmiddlewaretoken": browser.cookie("csrftoken")})
    assert not Session.objects.filter(session_key=session).exists()
    status, landed, page = Browser(Cookie=f"sessionid={session}").request(first.url + "/compte/")
    assert "/compte/connexion/" in landed


def test_what_one_server_writes_the_other_shows(two_servers, person):
    first, second = two_servers.first, two_servers.second
    browser = Browser()
    sign_in(browser, second, person)
    name = f"jeton-{uuid.uuid4().hex[:6]}"
    status, _, page = browser.post_form(first.url + "/compte/", {"action": "token", "name": name})
    assert status == 200 and name in page
    assert person.api_tokens.get().name == name
    status, _, page = browser.request(second.url + "/compte/")
    assert status == 200 and name in page


def test_a_limit_counts_the_requests_of_both_servers(two_servers):
    # VERIFICATION_RATE is 3/h for these servers; the proxy names the client (BEHIND_PROXY).
    browser = Browser(**{"X-Forwarded-For": f"203.0.113.{uuid.uuid4().int % 250 + 1}"})
    asked = "/documents/verifier/?number=RSD-2026-000001&hash=0"
    answers = [browser.request(server.url + asked)[0]
               for server in (two_servers.first, two_servers.second, two_servers.first, two_servers.second)]
    assert answers == [200, 200, 200, 429]
    # Another address is not held back by the first one's count.
    assert Browser(**{"X-Forwarded-For": "198.51.100.7"}).request(two_servers.first.url + asked)[0] == 200


def test_a_worker_heartbeat_written_elsewhere_is_seen_by_both_servers(two_servers):
    beat = timezone.now().replace(microsecond=0) - dt.timedelta(seconds=5)
    two_servers.cache.set(heartbeat.KEY, beat.isoformat(), timeout=None)
    for server in (two_servers.first, two_servers.second):
        status, _, body = server.get("/sante/")
        assert status == 200
        assert json.loads(body)["worker"] == {"status": "ok", "last_heartbeat": beat.isoformat()}
    two_servers.cache.delete(heartbeat.KEY)
