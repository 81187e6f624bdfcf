"""Role × URL matrix: for every page and endpoint, every role, the expected answer.

The world: two faculties (F1, F2) with their hospital centres (CHU1, CHU2), a service S1 in CHU1;
person A is an intern of F1/CHU1 in S1 (and holds the trainee account), person B an intern of
F2/CHU2. Each role below is scoped to F1/CHU1/S1 where it has a scope. A person outside the
viewer's scope answers 404, never 403, so ids reveal nothing.
"""

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

from residanat.accounts.roles import Role
from residanat.people.attestations import issue_status_attestation
from tests.accounts.factories import UserFactory, totp_device, user_with_role
from tests.people.factories import PersonFactory, TraineeStatusFactory
from tests.referential.factories import (
    EstablishmentFactory,
    FacultyFactory,
    HospitalCentreFactory,
    HospitalServiceFactory,
)
from tests.web import (
    cases_candidates,
    cases_careers_externs,
    cases_careers_periods,
    cases_careers_records,
    cases_careers_timeline,
    cases_choice_live,
    cases_choice_results,
    cases_choice_session,
    cases_competitions,
    cases_deployment,
    cases_discipline,
    cases_documents,
    cases_jobs,
    cases_merit,
    cases_payroll_files,
    cases_payroll_outputs,
    cases_payroll_runs,
    cases_posts,
)
from tests.web.links import menu_links, targets_on
from tests.web.matrix import ALL, LOGGED_IN, NATIONAL, ROLES, STAFF, LateId, expect

SEES_A = LOGGED_IN
SEES_B = NATIONAL
CHANGES_A = {"superuser", Role.MINISTRY_ADMIN, Role.DEAN_OFFICE, Role.HOSPITAL_DIRECTOR_OFFICE}
CHANGES_B = {"superuser", Role.MINISTRY_ADMIN}

PAGE = expect(LOGGED_IN, 200, None, anonymous=302)
# Ids that POST bodies name, filled by build_world().
WORLD_IDS = {}
API = expect(LOGGED_IN, 200, None, anonymous=401)
PUBLIC = expect(ALL, 200, None)

# (url name, method, path builder, expected status per role, body)
CASES = [
    ("web:home", "get", lambda w: "/", PUBLIC, None),
    ("web:rules", "get", lambda w: "/reglementation/?on=2025-06-01", PAGE, None),
    ("set_language", "post", lambda w: "/lang/", expect(ALL, 302, None), {"language": "fr", "next": "/"}),
    ("accounts:login", "get", lambda w: "/compte/connexion/", expect({"anonymous"}, 200, 302), None),
    ("accounts:logout", "post", lambda w: "/compte/deconnexion/", expect(ALL, 302, None), None),
    # Staff already passed the TOTP step (redirected on); a trainee may set one up.
    ("accounts:otp", "get", lambda w: "/compte/verification/", expect({Role.TRAINEE}, 200, 302), None),
    # The enrolment code is asked only of staff without an authenticator: everyone here is sent on.
    ("accounts:enrol", "get", lambda w: "/compte/enrolement/", expect(ALL, 302, None), None),
    # Enrolment codes are given by a superuser or the ministry administrator (issue 20 item 8).
    ("accounts:enrolment-codes", "get", lambda w: "/compte/codes-enrolement/",
     expect({"superuser", Role.MINISTRY_ADMIN}, 200, 403, anonymous=302), None),
    # A trainee enrols freely: no code is given for them (404 among the accounts awaiting one).
    ("accounts:enrolment-codes", "post", lambda w: "/compte/codes-enrolement/",
     expect({"superuser", Role.MINISTRY_ADMIN}, 404, 403, anonymous=302), {"user": LateId(WORLD_IDS, "trainee")}),
    ("accounts:account", "get", lambda w: "/compte/", PAGE, None),
    ("people:list", "get", lambda w: "/personnes/", PAGE, None),
    ("people:export", "get", lambda w: "/personnes/export.xlsx", PAGE, None),
    ("people:detail", "get", lambda w: f"/personnes/{w['A'].pk}/", expect(SEES_A, 200, 404, anonymous=302), None),
    ("people:detail", "get", lambda w: f"/personnes/{w['B'].pk}/", expect(SEES_B, 200, 404, anonymous=302), None),
    ("people:attestation", "post", lambda w: f"/personnes/{w['A'].pk}/attestation/",
     expect(CHANGES_A | {Role.TRAINEE}, 302, 403, anonymous=302, scope=SEES_A), None),
    ("people:attestation", "post", lambda w: f"/personnes/{w['B'].pk}/attestation/",
     expect(CHANGES_B, 302, 403, anonymous=302, scope=SEES_B), None),
    ("careers:index", "get", lambda w: "/parcours/", PAGE, None),
    ("referential:index", "get", lambda w: "/referentiel/?tab=specialties", PAGE, None),
    ("documents:verify", "get", lambda w: "/documents/verifier/", PUBLIC, None),
    # The health URL of probes (issue 22 item 5): no personal data, no login.
    ("health", "get", lambda w: "/sante/", PUBLIC, None),
    # The icon browsers ask for at the root (issue 25 item 6).
    ("favicon", "get", lambda w: "/favicon.ico", PUBLIC, None),
    # An attestation is read by the person and those who manage the file (decision 0021); every
    # other kind of document is in cases_documents.
    ("documents:download", "get", lambda w: f"/documents/{w['doc_A'].pk}/telecharger/",
     expect(CHANGES_A | {Role.TRAINEE}, 200, 404, anonymous=302), None),
    ("documents:download", "get", lambda w: f"/documents/{w['doc_B'].pk}/telecharger/",
     expect(CHANGES_B, 200, 404, anonymous=302), None),
    ("api:openapi-json", "get", lambda w: "/api/v1/openapi.json", PUBLIC, None),
    ("api:openapi-view", "get", lambda w: "/api/v1/docs", PUBLIC, None),
    ("api:docs-asset", "get", lambda w: "/api/v1/docs/assets/swagger-ui.css", PUBLIC, None),
    ("api:api-root", "get", lambda w: "/api/v1/", expect(ALL, 404, None), None),
    # An API URL naming no operation: a JSON 404 for everyone (api/refusals.py).
    ("api:no_such_operation", "get", lambda w: "/api/v1/people/x", expect(ALL, 404, None), None),
    ("api:no_operation_at_the_root", "post", lambda w: "/api/v1/", expect(ALL, 404, None), None),
    # Any other URL under /api/v1/ (here an id that is not a number) is a JSON 404, for everyone.
    ("api:no_such_operation", "get", lambda w: "/api/v1/people/not-a-number", expect(ALL, 404, None), None),
    ("api:me", "get", lambda w: "/api/v1/me", API, None),
    ("api:rules", "get", lambda w: "/api/v1/rules?on=2025-06-01", API, None),
    ("api:regions", "get", lambda w: "/api/v1/referential/regions", API, None),
    ("api:faculties", "get", lambda w: "/api/v1/referential/faculties", API, None),
    ("api:hospital-centres", "get", lambda w: "/api/v1/referential/hospital-centres", API, None),
    ("api:establishments", "get", lambda w: "/api/v1/referential/establishments", API, None),
    ("api:specialties", "get", lambda w: "/api/v1/referential/specialties", API, None),
    ("api:people", "get", lambda w: "/api/v1/people", API, None),
    ("api:person", "get", lambda w: f"/api/v1/people/{w['A'].pk}", expect(SEES_A, 200, 404, anonymous=401), None),
    ("api:person", "get", lambda w: f"/api/v1/people/{w['B'].pk}", expect(SEES_B, 200, 404, anonymous=401), None),
    ("api:person-statuses", "get", lambda w: f"/api/v1/people/{w['A'].pk}/statuses",
     expect(SEES_A, 200, 404, anonymous=401), None),
    ("api:person-statuses", "get", lambda w: f"/api/v1/people/{w['B'].pk}/statuses",
     expect(SEES_B, 200, 404, anonymous=401), None),
    ("api:person-update", "patch", lambda w: f"/api/v1/people/{w['A'].pk}",
     expect(CHANGES_A, 200, 403, anonymous=401, scope=SEES_A), {"phone": "0522000000"}),
    ("api:person-update", "patch", lambda w: f"/api/v1/people/{w['B'].pk}",
     expect(CHANGES_B, 200, 403, anonymous=401, scope=SEES_B), {"phone": "0522000001"}),
    ("admin:index", "get", lambda w: "/admin/", expect({"superuser"}, 200, 302), None),
    ("admin:people_person_changelist", "get", lambda w: "/admin/people/person/", expect({"superuser"}, 200, 302), None),
]
# Each domain's rows live beside the world it adds (a `build(world)` that returns new objects).
CASE_MODULES = [cases_competitions, cases_posts, cases_candidates, cases_merit, cases_choice_results, cases_choice_live,
                cases_choice_session, cases_careers_timeline, cases_careers_periods, cases_careers_externs,
                cases_careers_records, cases_payroll_runs, cases_payroll_outputs, cases_payroll_files,
                cases_discipline, cases_deployment, cases_documents, cases_jobs]
# The competitions' rows go last: one of them moves C2 to another state.
for module in CASE_MODULES[1:] + CASE_MODULES[:1]:
    CASES += module.CASES


def url_names():
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace or namespace
                if ns == "admin":
                    continue  # the admin is covered by its index and one changelist, superuser only
                yield from walk(pattern.url_patterns, ns)
            elif pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return set(walk(get_resolver().url_patterns))


def test_the_matrix_covers_every_url():
    covered = {name for name, *_ in CASES if not name.startswith("admin:")}
    assert url_names() == covered


def build_world():
    f1, f2 = FacultyFactory(), FacultyFactory()
    chu1, chu2 = HospitalCentreFactory(), HospitalCentreFactory()
    chu1.faculties.add(f1)
    chu2.faculties.add(f2)
    s1 = HospitalServiceFactory(establishment=EstablishmentFactory(hospital_centre=chu1))
    trainee = user_with_role(Role.TRAINEE)
    a = PersonFactory(user=trainee, last_name_ar="العلوي")
    b = PersonFactory()
    TraineeStatusFactory(person=a, faculty=f1, hospital_centre=chu1, service=s1)
    TraineeStatusFactory(person=b, faculty=f2, hospital_centre=chu2)
    admin = UserFactory(is_superuser=True, is_staff=True)
    WORLD_IDS["trainee"] = trainee.pk
    world = {
        "F1": f1, "F2": f2, "CHU1": chu1, "CHU2": chu2, "S1": s1, "A": a, "B": b, "trainee": trainee,
        "admin": admin,
        "doc_A": issue_status_attestation(a, "fr", admin),
        "doc_B": issue_status_attestation(b, "fr", admin),
    }
    for module in CASE_MODULES:
        added = module.build(world)
        # Two modules naming an object alike would make one's rows read the other's object.
        clash = set(added) & set(world)
        assert not clash, f"{module.__name__} reuses the world's keys {sorted(clash)}"
        world.update(added)
    return world


def client_for(role, world):
    client = Client()
    if role == "anonymous":
        return client
    scope = {
        Role.DEAN_OFFICE: {"faculty": world["F1"]},
        Role.HOSPITAL_DIRECTOR_OFFICE: {"hospital_centre": world["CHU1"]},
        Role.COMMITTEE_MEMBER: {"hospital_centre": world["CHU1"]},
        Role.HEAD_OF_SERVICE: {"service": world["S1"]},
    }
    if role == "superuser":
        user = world["admin"]
    elif role == Role.TRAINEE:
        user = world["trainee"]
    else:
        user = user_with_role(role, **scope.get(role, {}))
    client.force_login(user)
    if role in STAFF:
        device = totp_device(user)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES, ids=str)
def test_every_url_answers_each_role_as_its_scope_says(role):
    world = build_world()
    client = client_for(role, world)
    failures = []
    for name, method, path_of, expected_of, body in CASES:
        path = path_of(world)
        if method == "patch":
            response = client.patch(path, body, content_type="application/json")
        elif method == "post_json":
            response = client.post(path, body, content_type="application/json")
        elif method == "put":
            response = client.put(path, body, content_type="application/json")
        elif method == "post":
            response = client.post(path, body or {})
        else:
            response = client.get(path)
        expected = expected_of(role)
        if response.status_code != expected:
            failures.append(f"{method.upper()} {path} ({name}): {response.status_code}, expected {expected}")
        if name == "accounts:logout":
            client = client_for(role, world)  # log back in for the next URLs
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_a_dean_of_one_faculty_cannot_open_a_trainee_of_another_by_id(verified_client):
    rabat, casablanca = FacultyFactory(code="fmp-rabat"), FacultyFactory(code="fmp-casablanca")
    casablanca_trainee = TraineeStatusFactory(faculty=casablanca).person
    rabat_trainee = TraineeStatusFactory(faculty=rabat).person
    dean_of_rabat = user_with_role(Role.DEAN_OFFICE, faculty=rabat)
    client = verified_client(dean_of_rabat)
    assert client.get(f"/personnes/{casablanca_trainee.pk}/").status_code == 404
    assert client.get(f"/api/v1/people/{casablanca_trainee.pk}").status_code == 404
    listing = client.get("/personnes/").content.decode()
    assert rabat_trainee.full_name in listing
    assert casablanca_trainee.full_name not in listing


@pytest.mark.django_db
def test_the_people_list_shows_only_the_scope(verified_client):
    world = build_world()
    dean = user_with_role(Role.DEAN_OFFICE, faculty=world["F1"])
    page = verified_client(dean).get("/personnes/").content.decode()
    assert world["A"].full_name in page
    assert world["B"].full_name not in page
    own = Client()
    own.force_login(world["trainee"])
    page = own.get("/personnes/").content.decode()
    assert world["A"].full_name in page and world["B"].full_name not in page


# The forms of every page that are not the page's own: switching language, logging out.
EVERY_PAGE = ("/lang/", "/compte/deconnexion/")


def refused_from_the_menu(client) -> tuple[list[str], set]:
    """Issue 25 item 6: from the dashboard and each app page of the user's menu, every link, form
    and htmx request is followed (a form is posted empty: the view decides who may act before it
    reads the fields). The targets that answer 403 are a button shown to a user who may not use
    it; a page decides whether to show one by asking the rule its view applies."""
    dashboard = client.get("/")
    assert dashboard.status_code == 200
    starts = ["/"] + [url for url in menu_links(dashboard.content.decode()) if url != "/"]
    refused, followed = [], set()
    for start in starts:
        response = client.get(start)
        if response.status_code != 200:
            refused.append(f"menu → {start}: {response.status_code}")
            continue
        for method, url in targets_on(response.content.decode(), start):
            if url.startswith(EVERY_PAGE) or (method, url) in followed:
                continue
            followed.add((method, url))
            status = (client.post(url) if method == "post" else client.get(url)).status_code
            if status == 403:
                refused.append(f"{start} → {method.upper()} {url}: 403")
    assert len(followed) > len(starts), followed
    return refused, followed


@pytest.mark.django_db
@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"], ids=str)
def test_the_menu_checks_no_link_or_button_shown_to_a_role_answers_403(role):
    refused, _followed = refused_from_the_menu(client_for(role, build_world()))
    assert not refused, "\n".join(refused)


@pytest.mark.django_db
def test_no_demo_account_is_shown_a_link_or_button_that_answers_403(verified_client):
    """The same walk for every account of `make demo`, whose data shows the buttons a small world
    does not (sessions, runs, cases, campaigns)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("load_demo")
    refused = []
    for user in get_user_model().objects.filter(is_active=True).order_by("username"):
        found, _followed = refused_from_the_menu(verified_client(user))
        refused += [f"{user.username}: {line}" for line in found]
    assert not refused, "\n".join(refused)
