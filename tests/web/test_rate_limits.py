"""The limits per client address and the cache that holds their counters (issue 20 item 4,
decision 0022): the counters live in the database, shared by every server process, and are
increased atomically; the client address is REMOTE_ADDR unless the settings say a proxy stands
in front."""

import json
import threading
import time

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, connections
from django.test import RequestFactory, override_settings

from residanat import cache as residanat_cache
from residanat.ratelimits import client_address, too_many_requests


def request(path="/", **meta):
    return RequestFactory().get(path, **meta)


def test_the_client_address_is_remote_addr_and_a_forwarded_header_is_ignored_without_a_proxy():
    assert client_address(request(REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="203.0.113.9")) == "198.51.100.1"


@override_settings(BEHIND_PROXY=True)
def test_behind_a_proxy_the_client_address_is_the_one_the_proxy_appended():
    # The left entries are whatever the client sent; the last one is what our proxy saw.
    forwarded = request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert client_address(forwarded) == "203.0.113.9"
    assert client_address(request(REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"
    assert client_address(request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="pas une adresse")) == "10.0.0.2"


def test_an_api_caller_is_told_in_json():
    response = too_many_requests(request("/api/v1/people"), 120)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "120"
    assert json.loads(response.content)["detail"]


def test_the_counters_are_in_the_database_cache_not_in_the_process():
    assert settings.CACHES["default"]["BACKEND"] == "residanat.cache.DatabaseCache"
    assert settings.RATELIMIT_USE_CACHE == "default"


@pytest.mark.django_db
def test_a_value_one_server_process_writes_is_read_by_another():
    caches["default"].set("partagé", 41, 60)
    # A second backend built from the same settings stands for another process: nothing shared
    # but the database.
    other = residanat_cache.DatabaseCache(settings.CACHES["default"]["LOCATION"], {})
    assert other.get("partagé") == 41
    assert other.incr("partagé") == 42
    assert caches["default"].get("partagé") == 42


@pytest.mark.django_db
def test_incr_keeps_the_expiry_of_the_window():
    cache = caches["default"]
    cache.add("fenêtre", 1, 3600)
    table = connection.ops.quote_name(settings.CACHES["default"]["LOCATION"])

    def expires():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT expires FROM {table}")
            return cursor.fetchone()[0]

    before = expires()
    time.sleep(1.1)
    assert cache.incr("fenêtre") == 2
    assert expires() == before
    with pytest.raises(ValueError):
        cache.incr("absente")


@pytest.mark.django_db(transaction=True)
def test_increments_from_concurrent_requests_are_all_counted():
    cache = caches["default"]
    cache.set("compteur", 0, 600)
    threads, per_thread = 6, 10
    errors = []

    def hit():
        try:
            mine = residanat_cache.DatabaseCache(settings.CACHES["default"]["LOCATION"], {})
            for _ in range(per_thread):
                mine.incr("compteur")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=hit) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors
    assert cache.get("compteur") == threads * per_thread
    cache.delete("compteur")


@pytest.mark.django_db
def test_migrate_creates_the_cache_table_when_it_is_missing():
    table = settings.CACHES["default"]["LOCATION"]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
    assert table not in connection.introspection.table_names()
    residanat_cache.create_cache_tables(sender=None, using="default")
    assert table in connection.introspection.table_names()


def test_the_system_checks_accept_the_cache_of_the_limits():
    call_command("check", "--tag", "caches", "--fail-level", "WARNING")
