"""One log line per request, JSON lines when LOG_FORMAT=json (issue 22 item 5). The JSON lines of
a real server are read in tests/ops/test_serve.py."""

import json
import logging
import os
import subprocess
import sys

import pytest
from django.test import Client

from residanat.ops.logs import JsonFormatter
from tests.accounts.factories import UserFactory


class Records(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def request_log():
    logger = logging.getLogger("residanat.requests")
    handler, level = Records(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler.records
    logger.removeHandler(handler)
    logger.setLevel(level)


@pytest.mark.django_db
def test_a_request_is_one_line_with_its_method_path_status_time_and_user_id(request_log):
    user = UserFactory(username="interne.log")
    client = Client()
    client.force_login(user)
    client.get("/ar/compte/?q=BE123456")
    [record] = request_log
    assert (record.method, record.path, record.status, record.user_id) == ("GET", "/ar/compte/", 200, user.pk)
    assert record.duration_ms >= 0
    line = record.getMessage()
    assert line.startswith("GET /ar/compte/ 200 ") and line.endswith(f"ms user={user.pk}")
    # Neither the username nor what the query string carried.
    assert "interne.log" not in line and "BE123456" not in line


@pytest.mark.django_db
def test_an_anonymous_request_and_a_missing_page_are_logged_too(request_log):
    Client().get("/page-qui-n-existe-pas/")
    [record] = request_log
    assert (record.status, record.user_id) == (404, None)
    assert record.getMessage().endswith("user=-")


def test_the_json_formatter_writes_one_object_with_the_extra_fields_and_readable_arabic():
    record = logging.makeLogRecord({"name": "residanat.requests", "levelname": "INFO", "msg": "تم %s",
                                    "args": ("الحفظ",), "status": 200, "user_id": 7})
    line = JsonFormatter().format(record)
    assert "\n" not in line and "تم الحفظ" in line
    entry = json.loads(line)
    assert entry["message"] == "تم الحفظ" and entry["logger"] == "residanat.requests"
    assert entry["status"] == 200 and entry["user_id"] == 7
    assert entry["time"].endswith("+00:00")


def test_an_unknown_log_format_is_refused_at_start():
    environ = {**os.environ, "LOG_FORMAT": "xml", "SECRET_KEY": "x"}
    done = subprocess.run([sys.executable, "-c", "import residanat.settings"], env=environ, capture_output=True, text=True)
    assert done.returncode != 0 and "LOG_FORMAT must be text or json" in done.stderr
