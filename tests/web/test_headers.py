"""The headers every answer carries (issue 20 item 6; docs/decisions/0023-response-headers.md):
a Content-Security-Policy without inline script, `Cache-Control: private, no-store` on everything
the application answers, and a body-size limit checked before the body is read."""

import json
import os
import re
import secrets
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from residanat.accounts.roles import Role
from residanat.concours import registration
from residanat.concours.models import Competition
from tests.accounts.factories import user_with_role
from tests.api.helpers import token_client
from tests.people.factories import TraineeStatusFactory

TEMPLATES = settings.PACKAGE_DIR / "templates"


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def assert_no_inline_script(response):
    policy = directives(response)
    script = policy.get("script-src", policy.get("default-src"))
    assert script, response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    assert policy["object-src"] in (["'none'"], ["'self'"])
    assert policy["frame-ancestors"] == ["'none'"]


def assert_private(response):
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}


@pytest.fixture
def person(db):
    return TraineeStatusFactory().person


@pytest.fixture
def ministry(db, verified_client):
    return verified_client(user_with_role(Role.MINISTRY_ADMIN))


# --- Content-Security-Policy and Cache-Control on a page, a PDF, a workbook and the API -----------

@pytest.mark.django_db
def test_a_person_page_has_a_strict_policy_and_is_never_stored(ministry, person):
    response = ministry.get(f"/personnes/{person.pk}/")
    assert response.status_code == 200
    assert_no_inline_script(response)
    policy = directives(response)
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert_private(response)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/concours/", "/choix/", "/parcours/", "/paie/", "/discipline/", "/deploiement/",
                                 "/documents/verifier/", "/compte/codes-enrolement/", "/ar/concours/"])
def test_a_page_of_every_app_is_never_stored_without_a_decorator_of_its_own(ministry, url):
    """The middleware, not a `never_cache` per view, keeps every page out of the caches."""
    response = ministry.get(url)
    assert response.status_code == 200
    assert_private(response)


@pytest.mark.django_db
def test_the_arabic_login_page_has_the_policy_and_is_never_stored():
    response = Client().get("/ar/compte/connexion/")
    assert response.status_code == 200
    assert_no_inline_script(response)
    assert_private(response)


@pytest.mark.django_db
@pytest.mark.pdf
def test_a_pdf_has_its_policy_and_is_never_stored(ministry, person):
    issued = ministry.post(f"/personnes/{person.pk}/attestation/", {"lang": "fr"})
    response = ministry.get(issued["Location"])  # the document register's download
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert_no_inline_script(response)
    assert directives(response)["default-src"] == ["'none'"]
    assert_private(response)


@pytest.mark.django_db
def test_a_workbook_export_is_never_stored(ministry, person):
    response = ministry.get("/personnes/export.xlsx")
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    assert "Content-Security-Policy" in response
    assert_private(response)


@pytest.mark.django_db
def test_an_api_answer_has_the_policy_and_is_never_stored(person):
    client = token_client(user_with_role(Role.MINISTRY_ADMIN))
    response = client.get(f"/api/v1/people/{person.pk}")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert_no_inline_script(response)
    assert_private(response)


@pytest.mark.django_db
def test_the_api_docs_page_runs_without_inline_script():
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert_no_inline_script(response)
    html = response.content.decode()
    # Its only <script> without src is JSON data, which the browser does not run.
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag


@pytest.mark.django_db(transaction=True)
def test_a_static_file_is_not_marked_private(live_server):
    with urllib.request.urlopen(f"{live_server.url}/static/css/residanat.css") as response:
        assert response.status == 200
        assert "no-store" not in (response.headers.get("Cache-Control") or "")


@pytest.mark.django_db
def test_the_public_board_says_public_and_stays_revalidable_by_the_browser():
    """The projected board shows no name: its view says public, which the private rule respects, so
    the browser keeps it and asks again with If-None-Match (a 304 while nothing changed)."""
    from residanat.choice.sessions import do_start_live
    from tests.choice.world import ChoiceWorld

    world = ChoiceWorld(seats={"cardio": 1}, slug="residanat-2026-board")
    world.laureates(1)
    do_start_live(world.session(), world.dean, place="Amphi A")
    client = Client()
    first = client.get("/choix/residanat-2026-board/tableau/etat/")
    assert first.status_code == 200
    assert first["Cache-Control"] == "public, no-cache" and "no-store" not in first["Cache-Control"]
    again = client.get("/choix/residanat-2026-board/tableau/etat/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    # The board page itself, like every other page, is private.
    assert_private(client.get("/choix/residanat-2026-board/tableau/"))


# --- no inline script, handler or style in any page template -------------------------------------

INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"\shx-on", re.I), "hx-on (evaluated code)"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (re.compile(r"\sstyle\s*=", re.I), "inline style attribute"),
    (re.compile(r"<style\b", re.I), "<style> block"),
    (re.compile(r"hx-(vals|vars)\s*=\s*['\"]\s*js:", re.I), "js: value"),
]


def page_templates():
    """Every template served to a browser: not the WeasyPrint ones (documents/pdf_base.html and
    those extending it), which never reach a browser and are styled inline on purpose."""
    roots = [TEMPLATES, *(p / "templates" for p in settings.PACKAGE_DIR.iterdir() if (p / "templates").is_dir())]
    for root in roots:
        for path in sorted(root.rglob("*.html")):
            text = path.read_text()
            if path.name == "pdf_base.html" or re.search(r"{%\s*extends\s+\"documents/(pdf_base|\w+_base)\.html\"", text):
                continue
            yield path, text


def test_no_page_template_holds_an_inline_script_handler_or_style():
    found = []
    for path, text in page_templates():
        text = re.sub(r"{#.*?#}", "", text)  # comments may name what they avoid
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(settings.PACKAGE_DIR)}:{line}: {what}")
    assert found == []


def test_the_scan_sees_the_page_templates():
    names = {path.relative_to(TEMPLATES).as_posix() for path, _ in page_templates() if TEMPLATES in path.parents}
    assert {"base.html", "choice/live/_panel.html", "referential/index.html", "concours/merit/scores.html"} <= names
    assert "documents/pdf_base.html" not in names


# --- the body-size limit --------------------------------------------------------------------------

class Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def oversized(client, path, **extra):
    return client.post(path, CONTENT_LENGTH=str(settings.RESIDANAT_REQUEST_MAX_BYTES + 1),
                       CONTENT_TYPE="multipart/form-data; boundary=x", **{"wsgi.input": Unreadable()}, **extra)


@pytest.mark.django_db
def test_a_body_above_the_limit_is_refused_with_413_before_it_is_read():
    response = oversized(Client(), "/concours/residanat-2026-casablanca/inscription/")
    assert response.status_code == 413
    size = settings.RESIDANAT_REQUEST_MAX_BYTES // (1024 * 1024)
    assert f"La requête dépasse {size} Mo" in response.content.decode()
    assert_no_inline_script(response)


@pytest.mark.django_db
def test_the_refusal_speaks_arabic_on_an_arabic_page():
    response = oversized(Client(), "/ar/concours/residanat-2026-casablanca/inscription/")
    assert response.status_code == 413
    html = response.content.decode()
    assert 'lang="ar" dir="rtl"' in html and "ميغابايت" in html


@pytest.mark.django_db
def test_the_api_refuses_an_oversized_body_in_json():
    response = oversized(Client(), "/api/v1/people")
    assert response.status_code == 413
    assert "Mo" in json.loads(response.content)["detail"]


@pytest.mark.django_db
def test_a_body_within_the_limit_goes_through():
    response = Client().post("/api/v1/people", data="{}", content_type="application/json")
    assert response.status_code != 413


def test_the_largest_registration_form_fits_in_the_body_limit():
    """Every document a registration offers may weigh the upload limit: the body must hold them."""
    most = max(len(registration.offered_documents(kind, route))
               for kind in Competition.Kind.values for route in registration.Route.values)
    assert most * settings.RESIDANAT_UPLOAD_MAX_BYTES + 1024 * 1024 <= settings.RESIDANAT_REQUEST_MAX_BYTES


# --- check --deploy with production settings ------------------------------------------------------

def test_check_deploy_with_production_settings_gives_no_warning(tmp_path):
    # A production environment, not the tests' (DEBUG, HTTPS=0, DJANGO_ALLOW_ASYNC_UNSAFE of tests/e2e).
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env.update({
        "DJANGO_SETTINGS_MODULE": "residanat.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "residanat.example.ma",
        "RESIDANAT_VAR": str(tmp_path),
    })
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, cwd=Path(settings.PACKAGE_DIR).parent, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    # The one silenced check is django-ratelimit's "cache not on our list" (decision 0022): the
    # shared database cache is ours, with its own atomic increment (tests/web/test_rate_limits.py).
    assert "System check identified no issues (1 silenced)." in result.stdout
    assert settings.SILENCED_SYSTEM_CHECKS == ["django_ratelimit.W001"]
