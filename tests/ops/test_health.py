"""`/sante/` and `/health/` (issue 22 item 5): for a probe, without login or second factor, without
personal data; 503 when the database does not answer."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone

from residanat.ops.heartbeat import KEY, LATE_AFTER, record_heartbeat
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_health_url_says_the_database_answers_and_no_worker_beats_yet():
    cache.delete(KEY)  # a worker run by an earlier transactional test may have beaten (see test_jobs)
    response = Client().get("/sante/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    answer = response.json()
    # Nothing else: no user, no person, no path of the machine.
    assert set(answer) == {"status", "version", "database", "worker", "disk"}
    assert answer["status"] == "ok"
    assert answer["database"]["ok"] is True and answer["database"]["vendor"] == connection.vendor
    assert answer["worker"] == {"status": "absent", "last_heartbeat": None}
    assert set(answer["disk"]) == {"free_bytes", "total_bytes"}
    assert 0 < answer["disk"]["free_bytes"] <= answer["disk"]["total_bytes"]
    assert "no-store" in response["Cache-Control"]


def test_health_is_also_at_its_english_name():
    assert Client().get("/health/").json()["status"] == "ok"


def test_the_worker_s_last_heartbeat_is_read_from_the_shared_cache():
    beat = timezone.now().replace(microsecond=0)
    record_heartbeat(beat)
    assert Client().get("/sante/").json()["worker"] == {"status": "ok", "last_heartbeat": beat.isoformat()}
    old = beat - LATE_AFTER - dt.timedelta(seconds=1)
    record_heartbeat(old)
    assert Client().get("/sante/").json()["worker"]["status"] == "late"


def test_a_database_that_does_not_answer_gives_503(monkeypatch):
    def refused(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refused)
    response = Client().get("/sante/")
    assert response.status_code == 503
    answer = response.json()
    assert answer["status"] == "error" and answer["database"]["ok"] is False
    assert answer["worker"]["status"] == "unknown"
    assert "refused" not in response.content.decode()


def test_a_staff_member_without_the_second_factor_reaches_it_and_so_does_a_plain_http_probe(settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    client.force_login(UserFactory(is_superuser=True))
    assert client.get("/sante/").status_code == 200
    assert client.get("/health/").status_code == 200
    # Every other page still goes to https, and a staff member to the second factor.
    assert client.get("/compte/").status_code == 301


def test_only_reading_is_allowed():
    assert Client().post("/sante/").status_code == 405
