"""Every operation of the JSON API, called by every role, answers without a server error, and every
refusal is a JSON answer with a `detail` (issue 20 item 5).

The operations are read from the API's own OpenAPI schema, so an operation added tomorrow is
called here without anyone editing this file; only a path parameter never seen before needs a line
in PATH_VALUES (the test says so). Each path parameter is filled with objects of the access-matrix
world (in and out of the caller's scope, in several states) and with an id that does not exist.
GETs are sent with their required query parameters, then with every query parameter; writes with
no body, with a body holding only the required fields, and with a body holding every field. Then
each path parameter, query parameter and body field in turn takes the values that broke answers
before (a NUL character PostgreSQL cannot store, a number beyond 64 bits, the first and last days
a date can name): the answer may be a refusal, never a server error.
"""

import itertools
import json
import re

import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from residanat.api.urls import api
from tests.accounts.factories import UserFactory
from tests.api.helpers import token_client
from tests.people.factories import PersonFactory
from tests.web.matrix import ROLES
from tests.web.test_access_matrix import build_world, client_for

MISSING_ID = 999999
MISSING_SLUG = "inexistant"
WRITES = ("post", "put", "patch", "delete")

# "<the path segment before the parameter>/{<parameter>}": the objects it may name. The segment
# says which resource a name like `slug` or `status_id` belongs to.
PATH_VALUES = {
    "people/{person_id}": lambda w: [w["A"].pk, w["B"].pk, w["C"].pk, MISSING_ID],
    "competitions/{slug}": lambda w: [w[k].slug for k in ("C1", "C2", "C_draft", "C4", "CH")]
    + [MISSING_SLUG],
    "sessions/{slug}": lambda w: [w[k].slug for k in ("live_F1", "live_F2", "prep_F1", "V1", "V2")] + [MISSING_SLUG],
    "services/{service_id}": lambda w: [w["S1"].pk, w["S2"].pk, MISSING_ID],
    "rotations/{rotation_id}": lambda w: [w[k].pk for k in ("rot_A:api", "rot_B:api", "rot_A:done")] + [MISSING_ID],
    "periods/{period_id}": lambda w: [w[k].pk for k in ("P1", "P2", "P3")] + [MISSING_ID],
    "extern-batches/{batch_id}": lambda w: [w["XB1"].pk, w["XB2"].pk, MISSING_ID],
    "statuses/{status_id}": lambda w: [w[k].pk for k in ("status_A", "status_B", "rec_resident_1", "pay_resident_1")]
    + [MISSING_ID],
    "runs/{run_id}": lambda w: [w[k].pk for k in ("pay_chu1", "pay_chu2", "pay_chu1_closed", "pay_run_to_compute",
                                                  "pay_run_to_approve", "pay_run_to_close")]
    + [MISSING_ID],
    "cases/{case_id}": lambda w: [w["case_A"].pk, w["case_B"].pk, MISSING_ID],
    "commitments/{commitment_id}": lambda w: [w["commitment_A"].pk, w["commitment_B"].pk, MISSING_ID],
    "campaigns/{year}": lambda w: [w["campaign"].year, w["posted_A"].campaign.year, 1999],
    "specialists/{specialist_id}": lambda w: [w[k].pk for k in ("dep_cand_A", "dep_cand_B", "posted_A")]
    + [MISSING_ID],
}
# Values the schema cannot say (a pattern's meaning, an enum another module's type overwrites in
# the schema, issue 20 item 7), so that a schema-shaped body reaches the service behind it.
FIELD_VALUES = {
    "RunIn.month": "2026-03",
    "LeaveIn.kind": "annual",
    "LeaveIn.start_date": "2026-01-05",
    "LeaveIn.end_date": "2026-01-09",
    "PayTermsIn.valid_from": "2026-01-01",
    "BankAccountIn.rib": "230780000000000000000039",
    "ContactIn.email": "personne@example.ma",
    "ContactIn.phone": "0522000000",
    "TransitionIn.to": "registration_closed",
}
# Edge values of one field the schema cannot say: the year 0 matches the month's pattern.
FIELD_EDGES = {"RunIn.month": ["0000-01"]}
# Per JSON type, the values that once turned a request into a server error.
EDGES = {
    "integer": [2**63],
    "number": [1e308],
    "string": ["a\x00b"],
    "date": ["0001-01-01", "9999-12-31"],
    "date-time": ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"],
}
PARAMETER = re.compile(r"([^/]+)/(\{[^}]+\})")

# A GET with valid parameters is answered, or refused because of who asks or what they name.
GET_ANSWERS = {401, 403, 404}
# With every optional parameter filled in from the schema (whose enums are being reworked,
# issue 20 item 7), a value the schema offers may still be refused as invalid.
FILLED_GET_ANSWERS = GET_ANSWERS | {400, 422}
# A write may also be refused for its body, or because the object's state forbids it (409).
WRITE_ANSWERS = GET_ANSWERS | {400, 409, 422}


def operations():
    """(method, path template, operation, the schema's components) for every operation it declares."""
    schema = api.get_openapi_schema()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield method, path, operation, schema["components"]["schemas"]


def resolve(schema, components):
    """The schema itself, its $ref followed, with the component's name (or None)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return components[name], name
    return schema, None


def sample(schema, components, full):
    """A value `schema` accepts: only the required fields of objects, or all of them (`full`)."""
    schema, name = resolve(schema, components)
    if "example" in schema:
        return schema["example"]
    if schema.get("examples"):
        return schema["examples"][0]
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"] or schema[key]
            return sample(options[0], components, full)
    kind = schema.get("type")
    if kind == "object":
        fields = schema.get("properties", {}) if full else schema.get("required", [])
        return {field: FIELD_VALUES.get(f"{name}.{field}") or sample(schema["properties"][field], components, full)
                for field in fields}
    if kind == "array":
        count = max(schema.get("minItems", 0), 1 if full else 0)
        return [sample(schema.get("items", {}), components, full) for _ in range(count)]
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "number":
        return max(schema.get("minimum", 1), 1)
    if kind == "boolean":
        return True
    if kind == "string":
        return {"date": "2025-06-01", "date-time": "2025-06-01T08:00:00Z", "email": "personne@example.ma"}.get(
            schema.get("format"), "x" * max(schema.get("minLength", 1), 1))
    return None


def edges(schema, components):
    """The edge values for a parameter or field of this schema (none for booleans and enums)."""
    schema, _ = resolve(schema, components)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return [v for option in schema[key] for v in edges(option, components)]
    if "enum" in schema:
        return []
    if schema.get("type") == "array":
        return [[value] for value in edges(schema.get("items", {}), components)]
    return EDGES.get(schema.get("format") or schema.get("type"), [])


def paths(template, operation, world):
    """The template with each path parameter filled by each of its values (cartesian product), and
    by an edge value of its type; with whether an edge value is in it (a 400 may refuse it)."""
    found = PARAMETER.findall(template)
    names = [f"{segment}/{parameter}" for segment, parameter in found]
    unknown = [name for name in names if name not in PATH_VALUES]
    assert not unknown, f"{template}: add the objects {unknown} may name to PATH_VALUES"
    types = {p["name"]: p["schema"] for p in operation.get("parameters", []) if p["in"] == "path"}
    edge = {"integer": str(2**63), "string": "a%00b"}
    choices = [PATH_VALUES[name](world) + [edge[types[parameter.strip("{}")].get("type")]]
               for name, (_, parameter) in zip(names, found, strict=True)]
    for values in itertools.product(*choices):
        path = template
        for (segment, parameter), value in zip(found, values, strict=True):
            path = path.replace(f"{segment}/{parameter}", f"{segment}/{value}", 1)
        yield path, any(value in edge.values() for value in values)


def queries(operation, components, with_edges):
    """The query strings a GET is sent with: the required parameters, then all of them, then (with
    edges) each parameter at each edge value of its type."""
    parameters = [p for p in operation.get("parameters", []) if p["in"] == "query"]
    required = {p["name"]: sample(p["schema"], components, True) for p in parameters if p.get("required")}
    yield required, GET_ANSWERS
    if len(required) < len(parameters):
        yield {p["name"]: sample(p["schema"], components, True) for p in parameters}, FILLED_GET_ANSWERS
    for p in parameters if with_edges else []:
        for value in edges(p["schema"], components):
            yield {**required, p["name"]: value}, FILLED_GET_ANSWERS


def bodies(operation, components, with_edges):
    """No body, then a body with the required fields only, then one with every field, then (with
    edges) the required fields with one field at each edge value of its type."""
    yield None
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content is not None:
        minimal = sample(content["schema"], components, False)
        yield minimal
        yield sample(content["schema"], components, True)
        schema, name = resolve(content["schema"], components)
        for field, field_schema in schema.get("properties", {}).items() if with_edges else []:
            for value in FIELD_EDGES.get(f"{name}.{field}", []) + edges(field_schema, components):
                yield {**minimal, field: value}


def check(response, allowed):
    """What is wrong with the answer, or None."""
    status = response.status_code
    if status < 400:
        return None
    if status >= 500:
        return "server error"
    if not response.get("Content-Type", "").startswith("application/json"):
        return f"not JSON ({response.get('Content-Type')})"
    if "detail" not in json.loads(response.content):
        return "JSON without detail"
    if status not in allowed:
        return f"unexpected status (allowed: {sorted(allowed)})"
    return None


def call(send, *args, **kwargs):
    """One request in a savepoint: on PostgreSQL a database error aborts the test's transaction, and
    every later call would fail for it; the savepoint is rolled back so the next call starts clean."""
    savepoint = transaction.savepoint()
    response = send(*args, **kwargs)
    if response.status_code >= 500:
        transaction.savepoint_rollback(savepoint)
    else:
        transaction.savepoint_commit(savepoint)
    return response


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES, ids=str)
def test_every_api_operation_answers_every_role_without_a_server_error(role):
    world = build_world()
    client = client_for(role, world)
    # A server error must come back as the 500 a caller would see, to be listed with the others.
    client.raise_request_exception = False
    failures, calls = [], 0
    # The reads first, so that the writes (which may close a run or move a competition on) do not
    # leave the reads only objects in their last state.
    every = sorted(operations(), key=lambda op: op[0] in WRITES)
    for method, template, operation, components in every:
        # The edge values are sent on the first path only (an object in the scope of most roles).
        for number, (path, malformed) in enumerate(paths(template, operation, world)):
            if method not in WRITES:
                for query, allowed in queries(operation, components, number == 0):
                    allowed = FILLED_GET_ANSWERS if malformed else allowed
                    response = call(client.get, path, query)
                    calls += 1
                    problem = check(response, allowed)
                    if problem:
                        failures.append(f"GET {path} {query or ''} as {role}: {response.status_code}, {problem}")
                continue
            for body in bodies(operation, components, number == 0):
                data = "" if body is None else json.dumps(body)
                response = call(getattr(client, method), path, data, content_type="application/json")
                calls += 1
                problem = check(response, WRITE_ANSWERS)
                if problem:
                    failures.append(f"{method.upper()} {path} {data[:200] or '(no body)'} as {role}: "
                                    f"{response.status_code}, {problem}")
    assert calls > 100, calls  # the schema was read and the world fed its ids
    assert not failures, f"{len(failures)} of {calls} calls failed:\n" + "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/nothing", "/api/v1/people/x", "/api/v1/deployment/campaigns/x",
                                  "/api/v1/people/1/nothing"])
def test_an_api_url_that_names_no_operation_is_a_json_404(path, client):
    for method in ("get", "post", "delete"):
        response = getattr(client, method)(path)
        assert response.status_code == 404, (method, path)
        assert response["Content-Type"].startswith("application/json") and "detail" in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("raised,status", [
    (PermissionDenied("non"), 403),
    (ObjectDoesNotExist(), 404),
    (Http404(), 404),
    (ValidationError("La règle dit non."), 400),
    (ValidationError({"phone": ["Numéro invalide."]}), 400),
    (IntegrityError("UNIQUE constraint failed"), 409),
], ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value))
def test_what_a_service_raises_unexpectedly_is_a_json_refusal(raised, status, monkeypatch):
    # The operation does not expect it: the API's own handlers answer.
    def service(*args, **kwargs):
        raise raised

    monkeypatch.setattr("residanat.api.people.visible_people", service)
    client = token_client(UserFactory(is_superuser=True, is_staff=True))
    client.raise_request_exception = False
    response = client.get("/api/v1/people")
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json") and response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("send", [
    lambda c, p: c.get(f"/api/v1/people?q=a%00b"),
    lambda c, p: c.get(f"/api/v1/people?a%00b=1"),
    lambda c, p: c.get("/api/v1/competitions/a%00b"),
    lambda c, p: c.patch(f"/api/v1/people/{p.pk}", json.dumps({"address": "a\x00b"}), content_type="application/json"),
    lambda c, p: c.patch(f"/api/v1/people/{p.pk}", json.dumps({"a\x00b": "x"}), content_type="application/json"),
])
def test_a_nul_character_anywhere_in_a_request_is_a_400_before_the_operation(send):
    person = PersonFactory()
    client = token_client(UserFactory(is_superuser=True, is_staff=True))
    client.raise_request_exception = False
    response = send(client, person)
    assert response.status_code == 400 and "U+0000" in response.json()["detail"]
    person.refresh_from_db()
    assert "\x00" not in person.address
