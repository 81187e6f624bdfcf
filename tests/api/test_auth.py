import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from residanat.accounts.models import ApiToken
from residanat.accounts.roles import Role
from tests.accounts.factories import UserFactory, user_with_role
from tests.people.factories import PersonFactory, TraineeStatusFactory
from tests.referential.factories import FacultyFactory

pytestmark = pytest.mark.django_db

PROTECTED = [
    ("get", "/api/v1/me"),
    ("get", "/api/v1/rules?on=2025-06-01"),
    ("get", "/api/v1/referential/regions"),
    ("get", "/api/v1/referential/faculties"),
    ("get", "/api/v1/referential/hospital-centres"),
    ("get", "/api/v1/referential/establishments"),
    ("get", "/api/v1/referential/specialties"),
    ("get", "/api/v1/people"),
    ("get", "/api/v1/people/1"),
    ("get", "/api/v1/people/1/statuses"),
]


def test_openapi_schema_loads_without_auth_and_lists_the_endpoints():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert (schema["info"]["title"], schema["info"]["version"]) == ("residanat", "1")
    assert set(schema["paths"]) >= {
        "/api/v1/me",
        "/api/v1/rules",
        "/api/v1/referential/regions",
        "/api/v1/referential/faculties",
        "/api/v1/referential/hospital-centres",
        "/api/v1/referential/establishments",
        "/api/v1/referential/specialties",
        "/api/v1/people",
        "/api/v1/people/{person_id}",
        "/api/v1/people/{person_id}/statuses",
    }
    assert "patch" in schema["paths"]["/api/v1/people/{person_id}"]
    assert set(schema["components"]["securitySchemes"]) == {"BearerToken", "SessionAuth"}


def test_docs_page_loads_swagger_from_this_server_never_from_a_cdn():
    client = Client()
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html and "https://" not in html and "http://" not in html
    assert '"validatorUrl": null' in html  # else Swagger UI fetches a badge from swagger.io
    for asset in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"):
        assert f"/api/v1/docs/assets/{asset}" in html
        served = client.get(f"/api/v1/docs/assets/{asset}")
        assert served.status_code == 200
        assert b"".join(served.streaming_content)


def test_docs_assets_serve_only_the_listed_files():
    assert Client().get("/api/v1/docs/assets/redoc.standalone.js.map").status_code == 404
    assert Client().get("/api/v1/docs/assets/..%2F__init__.py").status_code == 404


@pytest.mark.parametrize(("method", "url"), PROTECTED)
def test_unauthenticated_requests_get_401(method, url):
    response = getattr(Client(), method)(url)
    assert response.status_code == 401


def test_unauthenticated_patch_is_refused():
    person = PersonFactory()
    response = Client().patch(f"/api/v1/people/{person.pk}", {"phone": "0600"}, content_type="application/json")
    # Without a token the session check runs, and it refuses an unsafe method without CSRF.
    assert response.status_code in (401, 403)
    person.refresh_from_db()
    assert person.phone == ""


def test_bearer_token_authenticates_without_a_session():
    user = UserFactory(username="amina")
    _, raw = ApiToken.issue(user, "script")
    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert response.json()["username"] == "amina"


def test_revoked_token_gets_401():
    token, raw = ApiToken.issue(UserFactory(), "script")
    token.revoked_at = timezone.now()
    token.save()
    assert Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_expired_token_gets_401():
    _, raw = ApiToken.issue(UserFactory(), "script", expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_unknown_token_gets_401():
    assert Client().get("/api/v1/me", headers={"Authorization": "Bearer rsd_nope"}).status_code == 401


def test_token_of_an_inactive_user_gets_401():
    user = UserFactory()
    _, raw = ApiToken.issue(user, "script")
    user.is_active = False
    user.save()
    assert Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_staff_session_without_totp_verification_gets_403():
    client = Client()
    client.force_login(user_with_role(Role.DEAN_OFFICE, faculty=FacultyFactory()))
    response = client.get("/api/v1/me")
    assert response.status_code == 403


def test_staff_session_with_totp_verification_gets_200(verified_client):
    client = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=FacultyFactory()))
    assert client.get("/api/v1/me").status_code == 200


def test_trainee_session_needs_no_totp():
    client = Client()
    client.force_login(user_with_role(Role.TRAINEE))
    assert client.get("/api/v1/me").status_code == 200


def test_session_patch_without_csrf_token_is_refused(verified_client):
    faculty = FacultyFactory()
    person = TraineeStatusFactory(faculty=faculty).person
    client = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=faculty))
    client.handler.enforce_csrf_checks = True
    response = client.patch(f"/api/v1/people/{person.pk}", {"phone": "0600"}, content_type="application/json")
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.phone == ""


def test_session_patch_with_the_csrf_token_of_the_docs_page_is_accepted(verified_client):
    faculty = FacultyFactory()
    person = TraineeStatusFactory(faculty=faculty).person
    client = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=faculty))
    client.handler.enforce_csrf_checks = True
    client.get("/api/v1/docs")
    csrf = client.cookies["csrftoken"].value
    response = client.patch(
        f"/api/v1/people/{person.pk}", {"phone": "0600"}, content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 200
