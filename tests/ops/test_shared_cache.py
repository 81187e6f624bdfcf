"""The cache every process shares (issue 22 item 6): Redis through Django's own backend when
CACHE_URL is set, the database table otherwise; on both, the counters of the limits (decision
0022) lose no increment and keep their window."""

import runpy
import threading
import time

import pytest
from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.core.management import call_command
from django.test import override_settings

SETTINGS_FILE = settings.PACKAGE_DIR / "settings.py"


def settings_with(monkeypatch, **environ):
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_cache_url_puts_the_cache_in_redis(monkeypatch):
    caches = settings_with(monkeypatch, CACHE_URL="redis://cache.internal:6379/2")["CACHES"]
    assert caches == {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                  "LOCATION": "redis://cache.internal:6379/2"}}


def test_without_cache_url_the_cache_is_the_database_table_not_the_process_memory(monkeypatch):
    monkeypatch.delenv("CACHE_URL", raising=False)
    assert settings_with(monkeypatch)["CACHES"]["default"]["BACKEND"] == "residanat.cache.DatabaseCache"


def test_a_cache_url_that_names_no_redis_stops_the_start(monkeypatch):
    with pytest.raises(RuntimeError, match="CACHE_URL"):
        settings_with(monkeypatch, CACHE_URL="memcached://127.0.0.1:11211")


def test_the_system_checks_accept_redis_for_the_limits(redis_url):
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                               "LOCATION": redis_url}}):
        call_command("check", "--tag", "caches", "--fail-level", "WARNING")


def test_increments_of_two_processes_on_redis_are_all_counted(redis_url):
    # Each thread has its own backend and connection, as each server process has.
    RedisCache(redis_url, {}).add("compteur", 0, 600)
    per_thread, errors = 300, []

    def hit():
        try:
            mine = RedisCache(redis_url, {})
            for _ in range(per_thread):
                mine.incr("compteur")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=hit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert RedisCache(redis_url, {}).get("compteur") == 2 * per_thread


def test_incr_on_redis_keeps_the_expiry_of_the_window(redis_url):
    cache = RedisCache(redis_url, {})
    cache.add("fenêtre", 1, 3600)
    before = cache._cache.get_client("").ttl(cache.make_key("fenêtre"))
    time.sleep(1.1)
    assert cache.incr("fenêtre") == 2
    assert 3590 < cache._cache.get_client("").ttl(cache.make_key("fenêtre")) <= before
    with pytest.raises(ValueError):
        cache.incr("absente")
