import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.db import connection

from residanat.cache import DatabaseCache

from .helpers import Server, production_environ, start_server

# A database of the local Redis that nothing else uses: the tests flush it.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/11")


@pytest.fixture(scope="session")
def redis_url():
    """The tests' Redis database, emptied; the test is skipped where no Redis runs."""
    import redis

    client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1)
    try:
        client.flushdb()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {TEST_REDIS_URL}")
    yield TEST_REDIS_URL
    client.flushdb()
    client.close()


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """The production static files, collected once for all the servers of the session."""
    folder = tmp_path_factory.mktemp("collected")
    environ = production_environ(settings.DATABASES["default"], folder)
    subprocess.run([sys.executable, "-m", "residanat", "collectstatic", "--noinput", "-v", "0"],
                   env=environ, check=True)
    return folder / "static"


@dataclass
class TwoServers:
    """Two `residanat serve`, as on two machines: one database, one cache, one media storage."""

    first: Server
    second: Server
    environ: dict  # what another process (a worker) needs to join them
    folder: Path
    cache: object  # a cache backend of this process, built as the servers build theirs

    @property
    def urls(self):
        return self.first.url, self.second.url


@pytest.fixture(scope="module", params=["database cache", "redis"])
def two_servers(request, django_db_setup, django_db_blocker, tmp_path_factory, collected_static):
    """Two servers of one gunicorn worker each on the test database, with the default database
    cache, then (PostgreSQL only) with Redis through CACHE_URL. A worker process started with `environ` joins them.
    The servers read committed rows only: write what they must see under django_db_blocker."""
    assert "test" in str(connection.settings_dict["NAME"])
    folder = tmp_path_factory.mktemp("machines")
    extra = {"STATIC_ROOT": str(collected_static), "BEHIND_PROXY": "1", "VERIFICATION_RATE": "3/h"}
    if request.param == "redis":
        if connection.vendor == "sqlite":
            # A SQLite file serves one machine: Redis comes with PostgreSQL; 13 s saved.
            pytest.skip("the Redis pair runs on PostgreSQL")
        url = request.getfixturevalue("redis_url")
        extra["CACHE_URL"] = url
        cache = RedisCache(url, {})
    else:
        cache = DatabaseCache(settings.CACHES["default"]["LOCATION"], {})
    environ = production_environ(connection.settings_dict, folder, **extra)
    # Both boot at once (about as long as one), each in its own folder for its output.
    processes = [start_server(environ, folder / name, collectstatic=False, wait=False) for name in ("first", "second")]
    first, second = (server.wait() for server in processes)
    yield TwoServers(first, second, environ, folder, cache)
    first.stop()
    second.stop()
    with django_db_blocker.unblock():
        cache.clear()
