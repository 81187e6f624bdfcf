"""`residanat serve` as production runs it: gunicorn with two workers on the test database, DEBUG
off, the compressed and hashed static files of WhiteNoise, JSON request lines (issue 22 items 1, 5).
One server for the module: starting it (collectstatic, then the workers) takes most of the time
(7 s on an idle machine, 30 s on a busy one)."""

import gzip
import json
import re
import signal
import time
from pathlib import Path

import brotli
import pytest
from django.conf import settings
from django.db import connection

from .helpers import production_environ, start_server

STATIC_SOURCE = Path(settings.PACKAGE_DIR) / "static"
# The django_db mark makes pytest-django create the test database, which the server then reads
# (committed rows only; these tests write nothing).
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def server(django_db_setup, tmp_path_factory):
    assert "test" in str(connection.settings_dict["NAME"])
    folder = tmp_path_factory.mktemp("serve")
    running = start_server(production_environ(connection.settings_dict, folder), folder, workers=2)
    yield running
    running.stop()


def test_the_login_page_is_served_by_gunicorn_with_hashed_static_names(server):
    status, headers, body = server.get("/compte/connexion/")
    assert status == 200
    assert headers["Server"].startswith("gunicorn")
    assert re.search(r'/static/css/residanat\.[0-9a-f]{12}\.css', body.decode())


def test_a_hashed_static_file_is_cached_for_a_year_and_sent_compressed(server):
    page = server.get("/compte/connexion/")[2].decode()
    css = re.search(r'/static/css/residanat\.[0-9a-f]{12}\.css', page).group(0)
    source = (STATIC_SOURCE / "css" / "residanat.css").read_bytes()

    status, headers, body = server.get(css, **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in headers["Cache-Control"] and "immutable" in headers["Cache-Control"]
    assert "no-store" not in headers["Cache-Control"]
    # The hashed copy's urls point at the hashed fonts; the rest is the source as written.
    plain = gzip.decompress(body)
    assert plain.count(b"@font-face") == source.count(b"@font-face") and b".woff2" in plain

    status, headers, body = server.get(css, **{"Accept-Encoding": "br"})
    assert status == 200 and headers["Content-Encoding"] == "br"
    assert brotli.decompress(body) == plain


def test_the_health_url_answers_through_the_server(server):
    status, headers, body = server.get("/health/")
    answer = json.loads(body)
    assert status == 200
    assert answer["database"]["ok"] is True and answer["database"]["vendor"] == connection.vendor
    assert answer["worker"] == {"status": "absent", "last_heartbeat": None}


def test_each_request_is_one_json_line_on_stdout_without_its_query_string(server):
    server.get("/compte/connexion/?next=/personnes/CIN-BE123456/")
    time.sleep(0.2)
    lines = [json.loads(line) for line in server.stdout().splitlines() if line.startswith("{")]
    login = [line for line in lines if line.get("path") == "/compte/connexion/"]
    assert login, server.stdout()[-2000:]
    entry = login[-1]
    assert entry["logger"] == "residanat.requests" and entry["method"] == "GET" and entry["status"] == 200
    assert isinstance(entry["duration_ms"], float) and entry["user_id"] is None
    assert "CIN-BE123456" not in server.stdout()


def test_sigterm_stops_the_master_and_its_two_workers_cleanly(server):
    # Last in the module: the server is stopped for good.
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=60) == 0
    log = server.stderr()
    assert log.count("Booting worker") == 2
    assert "Shutting down: Master" in log
