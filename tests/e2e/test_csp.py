"""The Content-Security-Policy in a real browser (Chromium): the main pages, their HTMX exchanges and
the little JavaScript of static/js/residanat.js run, in French and Arabic, without one violation
(issue 20 item 6; docs/decisions/0023-response-headers.md)."""

import pytest
from django.conf import settings

from residanat.choice.sessions import do_start_live
from tests.choice.world import ChoiceWorld
from tests.people.factories import PersonFactory, TraineeStatusFactory

pytestmark = pytest.mark.django_db(transaction=True)
SLUG = "residanat-2026-csp"

# Playwright's init scripts are not subject to the page's policy: this one records every violation.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber);
});
"""


@pytest.fixture
def watched(page):
    """The page, recording CSP violations from the console and from `securitypolicyviolation`."""
    page.console_errors = []
    page.on("console", lambda m: m.type in ("error", "warning") and "Content Security Policy" in m.text
            and page.console_errors.append(m.text))
    page.add_init_script(RECORD_VIOLATIONS)
    return page


def violations(page):
    return page.console_errors + page.evaluate("window.__csp || []")


def sign_in(page, live_server, verified_client, user):
    client = verified_client(user)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])


def test_the_main_pages_and_their_htmx_exchanges_run_without_a_csp_violation(live_server, watched, verified_client,
                                                                           shot):
    page = watched
    world = ChoiceWorld(seats={"cardio": 1, "pedia": 2}, slug=SLUG)
    world.laureates(3)
    do_start_live(world.session(), world.dean, place="Amphi A")
    for name in ("Bennani", "Tazi"):
        TraineeStatusFactory(faculty=world.competition.faculty, person=PersonFactory(last_name=name))
    seen = []

    for prefix in ("", "/ar"):
        response = page.goto(f"{live_server.url}{prefix}/compte/connexion/")
        # The policy is there to be broken: without it, no page could violate anything.
        assert "script-src 'self'" in response.headers["content-security-policy"]
        seen.append(page.url)
        assert page.locator("#id_username").count() == 1
        assert violations(page) == [], page.url

    sign_in(page, live_server, verified_client, world.dean)
    for prefix in ("", "/ar"):
        page.goto(f"{live_server.url}{prefix}/")
        assert page.locator("h1").count() >= 1

        # A form with HTMX: the people list narrows as one types.
        page.goto(f"{live_server.url}{prefix}/personnes/")
        page.fill("#q", "Tazi")
        page.wait_for_function("() => document.querySelectorAll('#people-rows tbody tr').length === 1")

        # Tabs loaded by HTMX: residanat.js marks the loaded tab active (it was an hx-on attribute).
        page.goto(f"{live_server.url}{prefix}/referentiel/")
        second = page.locator(".tabs a").nth(1)
        second.click()
        page.wait_for_function("() => document.querySelectorAll('.tabs a')[1].classList.contains('active')")
        assert page.locator(".tabs a.active").count() == 1

        # The live session: one click records a choice; the next laureate's buttons wait, then
        # residanat.js makes them clickable (it was an inline <script>).
        page.goto(f"{live_server.url}{prefix}/choix/{SLUG}/seance/")
        page.locator(".choose-form button.post-choice").first.click()
        page.wait_for_selector("#live-panel .arming", state="attached")
        page.wait_for_selector("#live-panel .arming", state="detached", timeout=5000)

        # The projected board, polled by HTMX.
        page.goto(f"{live_server.url}{prefix}/choix/{SLUG}/tableau/")
        page.wait_for_timeout(2500)  # one poll
        seen.append(page.url)
        assert violations(page) == [], page.url
    shot(page, "csp_board_ar")

    # The API docs (Swagger UI) render under the same policy.
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .information-container, .swagger-ui .info", timeout=15000)
    assert violations(page) == [], page.url
    assert len(seen) == 4
