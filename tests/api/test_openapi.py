"""The OpenAPI schema at /api/v1/openapi.json says what the API answers (issue 20 item 7): one
component per Python class (two enums both named `State` overwrote each other), every answer
declared, and schemathesis finds nothing wrong over every operation, reads and writes."""

import datetime as dt
import enum
import importlib
import io
import json
import os
import re
import subprocess
import sys
import time
import typing
from pathlib import Path

import jsonschema_rs
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from pydantic import BaseModel

from residanat.accounts.models import ApiToken, User
from residanat.api.urls import api
from residanat.careers.models import PeriodChooser
from tests.api.helpers import token_client
from tests.payroll.world import PayrollWorld

HERE = Path(__file__).parent
ROOT = HERE.parent.parent


def openapi() -> dict:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def _classes_of(annotation, found: set) -> None:
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        found.add(annotation)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation not in found:
            found.add(annotation)
            for field in annotation.model_fields.values():
                _classes_of(field.annotation, found)
    else:
        for argument in typing.get_args(annotation):
            _classes_of(argument, found)


def api_classes() -> set:
    """The enums and schemas the operations take and answer (ninja's own wrappers left out)."""
    found: set = set()
    for _prefix, router, *_ in api._router_registrations:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                if not operation.include_in_schema:
                    continue
                for model in [*operation.models, *operation.response_models.values()]:
                    if model is not None:
                        for field in model.model_fields.values():
                            _classes_of(field.annotation, found)
    return found


def validate(schema: dict, subschema: dict, value) -> None:
    jsonschema_rs.validator_for({**subschema, "components": schema["components"]}).validate(value)


# --- one component per class ---------------------------------------------------------------------

def test_every_enum_of_the_api_keeps_its_own_values_in_the_schema():
    components = openapi()["components"]["schemas"]
    enums = {cls for cls in api_classes() if issubclass(cls, enum.Enum)}
    assert len(enums) > 20
    named = {tuple(sorted(c["enum"])) for c in components.values() if "enum" in c}
    lost = [f"{cls.__module__}.{cls.__qualname__}" for cls in enums
            if tuple(sorted(member.value for member in cls)) not in named]
    assert lost == []


def test_every_class_of_the_api_has_a_component_of_its_own():
    components = openapi()["components"]["schemas"]
    classes = api_classes()
    titles = [component.get("title") for component in components.values()]
    # No two classes share a component: as many components as classes, each titled by its class.
    assert len(components) >= len(classes)
    for cls in classes:
        if issubclass(cls, BaseModel) and cls.__module__.startswith("residanat."):
            assert titles.count(cls.__name__) == 1, cls


@pytest.mark.django_db
def test_a_closed_payroll_run_answer_validates_against_the_schema():
    schema = openapi()
    world = PayrollWorld()
    run = world.closed(dt.date(2026, 1, 1))
    response = token_client(world.officer).get(f"/api/v1/payroll/runs/{run.pk}")
    assert response.status_code == 200 and response.json()["state"] == "closed"
    answer = schema["paths"]["/api/v1/payroll/runs/{run_id}"]["get"]["responses"]["200"]
    validate(schema, answer["content"]["application/json"]["schema"], response.json())
    state = schema["components"]["schemas"]["PayrollRunState"]
    assert set(state["enum"]) == {"open", "computed", "approved", "closed"}


# --- every answer declared -----------------------------------------------------------------------

def test_every_operation_declares_its_refusals_and_validation_errors():
    missing = []
    for path, method, operation in operations(openapi()):
        expected = {"400", "401", "403"}  # 400: a NUL character anywhere in the request (refusals.py)
        if method in {"post", "put", "patch", "delete"}:
            expected.add("409")  # a database constraint refused the write (refusals.py)
        if "{" in path:
            expected |= {"404", "422"}
        if "requestBody" in operation:
            expected |= {"400", "422"}
        if operation.get("parameters"):
            expected.add("422")
        absent = expected - set(operation["responses"])
        if absent:
            missing.append((method, path, sorted(absent)))
    assert missing == []


@pytest.mark.django_db
def test_an_id_that_is_not_a_number_answers_a_json_404():
    response = token_client(PayrollWorld().officer).get("/api/v1/payroll/runs/null,null")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Not Found"}


def test_every_field_of_an_answer_is_required_even_with_a_default():
    """An answer always writes every field (null included): a client may rely on each key."""
    components = openapi()["components"]["schemas"]
    for name in ("PersonOut", "RunOut", "TermsOut"):
        assert set(components[name]["required"]) == set(components[name]["properties"]), name
    assert {"type": "null"} in components["PersonOut"]["properties"]["national_id"]["anyOf"]


# --- schemathesis --------------------------------------------------------------------------------

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def _counts(report: Path) -> tuple[int, int, int]:
    """(operations tested, requests sent, failures) from schemathesis' NDJSON events."""
    operations_seen, requests, failures = set(), 0, 0
    for line in report.read_text().splitlines():
        event = json.loads(line)
        finished = event.get("ScenarioFinished")
        if not finished:
            continue
        recorder = finished["recorder"]
        if not recorder["label"].startswith("Stateful"):
            operations_seen.add(recorder["label"])
        requests += len(recorder.get("interactions", {}))
        failures += sum(check["status"] == "failure" for checks in recorder.get("checks", {}).values()
                        for check in checks)
    return len(operations_seen), requests, failures


@pytest.fixture
def closed_runs_flushable(transactional_db):
    """After the test, the database is emptied by DELETEs on SQLite, which the triggers keeping
    closed payroll runs unchanged refuse (PostgreSQL's TRUNCATE does not fire them): empty it
    here without them, and put them back."""
    yield
    if connection.vendor != "sqlite":
        return
    guard = importlib.import_module("residanat.payroll.migrations.0002_closed_runs_immutable")
    with connection.cursor() as cursor:
        for sql in guard.SQLITE_REVERSE:
            cursor.execute(sql)
    try:
        call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    finally:
        with connection.cursor() as cursor:
            for sql in guard.SQLITE:
                cursor.execute(sql)


def _schemathesis(url: str, user: User, tmp_path: Path, name: str, *args: str, parameters: str = ""):
    """Run the schemathesis CLI as `user`; (operations tested, test cases, requests, failures, output)."""
    _, token = ApiToken.issue(user, "schemathesis")
    config = tmp_path / f"{name}.toml"
    config.write_text((HERE / "schemathesis.toml").read_text() + parameters)
    report = tmp_path / f"{name}.ndjson"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_PROXY": "*", "no_proxy": "*"}
    result = subprocess.run(
        [str(SCHEMATHESIS), "--config-file", str(config), "--no-color", "run", f"{url}/api/v1/openapi.json",
         "-H", f"Authorization: Bearer {token}", "--report", "ndjson", "--report-ndjson-path", str(report), *args],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
    tested, requests, failures = _counts(report)
    generated = re.search(r"(\d+) generated", result.stdout)
    assert result.returncode == 0 or failures, result.stdout[-5000:] + result.stderr[-5000:]
    return tested, int(generated[1]) if generated else 0, requests, failures, result.stdout


@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_failure_in_any_operation(live_server, closed_runs_flushable, tmp_path, capsys):
    """Every operation, reads and writes, on the demo data of the throwaway test database, as the
    superuser (who reaches every operation), then the trainee's own operations as `interne.demo`
    in the period where their wishes are open, with every check schemathesis has."""
    started = time.monotonic()
    call_command("load_demo", stdout=io.StringIO())
    demo = time.monotonic() - started
    started = time.monotonic()
    admin = _schemathesis(live_server.url, User.objects.get(username="admin"), tmp_path, "admin")
    trainee = User.objects.get(username="interne.demo")
    period = PeriodChooser.objects.get(status__person__user=trainee, period__state="wishes_open").period_id
    own = _schemathesis(live_server.url, trainee, tmp_path, "trainee",
                        "--include-path-regex", r"^/api/v1/(me|payroll/me/payslips|careers/periods/\{period_id\}/my-wishes)$",
                        parameters=f'\n[parameters]\n"path.period_id" = {period}\n')
    elapsed = time.monotonic() - started
    with capsys.disabled():
        for who, (tested, cases, requests, failures, _) in (("admin", admin), ("interne.demo", own)):
            print(f"\nschemathesis as {who}: {tested} operations tested, {cases} test cases, {requests} requests, "
                  f"{failures} failures", end="")
        print(f"\nschemathesis: {elapsed:.0f} s (demo data: {demo:.0f} s)")
    assert (admin[3], own[3]) == (0, 0), admin[4][-30000:] + own[4][-10000:]
    assert admin[0] == len(list(operations(openapi())))
    assert own[0] == 4  # /me, /payroll/me/payslips, GET and PUT my-wishes


@pytest.mark.django_db
def test_an_offset_beyond_what_a_database_holds_is_a_422_not_a_500():
    client = token_client(PayrollWorld().officer)
    for path in ("/api/v1/people", "/api/v1/payroll/runs"):
        assert client.get(path, {"offset": 2**65}).status_code == 422
        assert client.get(path, {"offset": 0}).status_code == 200
