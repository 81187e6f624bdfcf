"""Access-matrix rows for the results of a choice of posts (pages and API; see
test_access_matrix.py). The world gets a closed choice session on a deliberated résidanat of
F1/CHU1: person A (the trainee) chose cardiology, another laureate X paediatrics.

Whoever sees the competition (its faculty, its CHU, the national roles) sees the whole list, its
documents and the log; a laureate sees the session only for their own place (their row, their
notice; 403 for the list's documents and the log, which the session being visible to them makes
forbidden rather than absent); the notices are issued by the office running the choice."""

from django.utils import timezone

from residanat.accounts.roles import Role
from residanat.choice import live
from residanat.choice.models import Chooser, Post
from residanat.choice.sessions import do_close_session, do_create_session, do_start_live
from residanat.concours.models import Candidate, Competition, MeritEntry, MeritList, PostAllocation
from tests.concours.factories import CandidateFactory, CompetitionFactory
from tests.referential.factories import SpecialtyFactory
from tests.web.matrix import CHANGES_F1, LOGGED_IN, SEES_F1, expect

SLUG = "residanat-2026-f1-choix"


def build(world):
    admin = world["admin"]
    competition = CompetitionFactory(faculty=world["F1"], hospital_centre=world["CHU1"], slug=SLUG,
                                     state=Competition.State.DELIBERATED)
    for code in ("cardio", "pedia"):
        PostAllocation.objects.create(competition=competition, seat_type="contract", group="medical",
                                      track="medicine", specialty=SpecialtyFactory(code=f"ch-{code}"), seats=1)
    merit = MeritList.objects.create(competition=competition, version=1, created_by=admin, locked_by=admin,
                                     locked_at=timezone.now())
    own = CandidateFactory(competition=competition, person=world["A"], number="CH-A", state=Candidate.State.ELIGIBLE)
    other = CandidateFactory(competition=competition, number="CH-X", state=Candidate.State.ELIGIBLE)
    for rank, candidate in enumerate((own, other), 1):
        MeritEntry.objects.create(merit_list=merit, candidate=candidate, rank=rank,
                                  outcome=MeritEntry.Outcome.ADMITTED)
    session = do_start_live(do_create_session(competition, admin), admin)
    posts = list(Post.objects.filter(session=session).order_by("code"))
    for order, post in ((1, posts[0]), (2, posts[1])):
        live.do_record_choice(session, Chooser.objects.get(session=session, order=order), post, admin)
    do_close_session(session, admin)
    return {"CH": competition}


SEES = SEES_F1
LAUREATE_SEES = SEES_F1 | {Role.TRAINEE}
PAGE = expect(LAUREATE_SEES, 200, 404, anonymous=302)
STAFF_DOCUMENT = expect(SEES, 200, 403, anonymous=302, scope=LAUREATE_SEES)
# The notice: the laureate themself and the office running the choice; viewers 403.
OWN_NOTICE = expect(CHANGES_F1 | {Role.TRAINEE}, 200, 403, anonymous=302, scope=LAUREATE_SEES)
OTHER_NOTICE = expect(CHANGES_F1, 200, 403, anonymous=302, scope=SEES)
API_SEES = expect(LAUREATE_SEES, 200, 404, anonymous=401)

CASES = [
    ("choice:results", "get", lambda w: f"/choix/{SLUG}/resultats/", PAGE, None),
    ("choice:results-xlsx", "get", lambda w: f"/choix/{SLUG}/resultats/liste.xlsx?lang=ar", STAFF_DOCUMENT, None),
    ("choice:notice", "get", lambda w: f"/choix/{SLUG}/affectation/CH-A/avis.pdf", OWN_NOTICE, None),
    ("choice:notice", "get", lambda w: f"/choix/{SLUG}/affectation/CH-X/avis.pdf?lang=ar", OTHER_NOTICE, None),
    ("choice:log", "get", lambda w: f"/choix/{SLUG}/journal/", STAFF_DOCUMENT, None),
    ("api:choice-sessions", "get", lambda w: "/api/v1/choice/sessions", expect(LOGGED_IN, 200, None, anonymous=401),
     None),
    ("api:choice-session", "get", lambda w: f"/api/v1/choice/sessions/{SLUG}", API_SEES, None),
    ("api:choice-posts", "get", lambda w: f"/api/v1/choice/sessions/{SLUG}/posts", API_SEES, None),
    ("api:choice-me", "get", lambda w: f"/api/v1/choice/sessions/{SLUG}/me",
     expect({Role.TRAINEE}, 200, 404, anonymous=401), None),
    ("api:choice-assignments", "get", lambda w: f"/api/v1/choice/sessions/{SLUG}/assignments", API_SEES, None),
    ("api:choice-log-verify", "get", lambda w: f"/api/v1/choice/sessions/{SLUG}/log/verify",
     expect(SEES, 200, 403, anonymous=401, scope=LAUREATE_SEES), None),
    # Last: publishing appends to the log (the rows above do not depend on it).
    ("choice:results-pdf", "post", lambda w: f"/choix/{SLUG}/resultats/liste.pdf",
     expect(CHANGES_F1, 200, 403, anonymous=302, scope=LAUREATE_SEES), {"lang": "fr"}),
]
