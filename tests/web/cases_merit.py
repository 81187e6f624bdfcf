"""Access-matrix rows for the tests, scores, merit list and results of competitions (see
test_access_matrix.py). The world gets three more competitions of F1/CHU1:
C3 published (person A and one other candidate ranked), C4 deliberated (list locked, not
published), C5 registration closed (scores being entered). Competitions are seen by their
faculty and CHU, changed by the ministry, the dean and the CHU direction; the public results
and lists are open to anyone once published, and a result slip to its candidate."""

import datetime as dt
from decimal import Decimal

from residanat.accounts.roles import Role
from residanat.concours.merit import do_compute_merit_list, do_deliberate
from residanat.concours.models import Candidate, Competition, PostAllocation, Score
from tests.concours.factories import CandidateFactory, CompetitionFactory, CompetitionTestFactory
from tests.people.factories import PersonFactory
from tests.web.matrix import ALL, CHANGES_F1, SEES_F1, expect

State = Competition.State


def _competition(world, slug):
    competition = CompetitionFactory(faculty=world["F1"], hospital_centre=world["CHU1"], slug=slug,
                                     state=State.SCORES_ENTERED, session_date=dt.date(2026, 6, 15),
                                     registration_closes_on=dt.date(2026, 5, 1))
    PostAllocation.objects.create(competition=competition, seat_type="contract", group="medical",
                                  track="medicine", seats=1)
    test = CompetitionTestFactory(competition=competition, code="ecrit", weight=1)
    return competition, test


def _ranked(world, slug, state, person_a=False):
    competition, test = _competition(world, slug)
    own = CandidateFactory(competition=competition, number="A-1", state=Candidate.State.ELIGIBLE,
                           person=world["A"] if person_a else PersonFactory())
    other = CandidateFactory(competition=competition, number="X-1", state=Candidate.State.ELIGIBLE)
    Score.objects.create(candidate=own, test=test, value=Decimal("15"))
    Score.objects.create(candidate=other, test=test, value=Decimal("12"))
    do_compute_merit_list(competition, world["admin"])
    do_deliberate(competition, world["admin"])
    Competition.objects.filter(pk=competition.pk).update(state=state)
    competition.refresh_from_db()
    return competition, own, other


def build(world):
    c3, cand_a3, cand_x3 = _ranked(world, "residanat-2025-f1-publie", State.PUBLISHED, person_a=True)
    c4, _own, _other = _ranked(world, "residanat-2025-f1-delibere", State.DELIBERATED)
    c5, _test = _competition(world, "residanat-2026-f1-notes")
    Competition.objects.filter(pk=c5.pk).update(state=State.REGISTRATION_CLOSED)
    c5.refresh_from_db()
    CandidateFactory(competition=c5, number="N-1", state=Candidate.State.ELIGIBLE)
    return {"C3": c3, "C4": c4, "C5": c5, "cand_A3": cand_a3, "cand_X3": cand_x3}


SEE = expect(SEES_F1, 200, 404, anonymous=302)
CHANGE_PAGE = expect(CHANGES_F1, 200, 403, anonymous=302, scope=SEES_F1)
CHANGE_POST = expect(CHANGES_F1, 302, 403, anonymous=302, scope=SEES_F1)
EVERYONE = expect(ALL, 200, None)
NOBODY = expect(set(), None, 404)
# A draft list (not published) is for the staff who see the competition; it does not exist for others.
DRAFT = expect(SEES_F1, 200, 404)
# A result slip: its candidate (person A, the trainee) and the staff who see the candidacy.
SLIP_OF_A = expect(SEES_F1 | {Role.TRAINEE}, 200, 404, anonymous=302)
SLIP_OF_OTHER = expect(SEES_F1, 200, 404, anonymous=302)
SLIP_UNPUBLISHED = expect(set(), None, 404, anonymous=302)

CASES = [
    ("concours:tests", "get", lambda w: f"/concours/{w['C3'].slug}/epreuves/", SEE, None),
    ("concours:scores", "get", lambda w: f"/concours/{w['C5'].slug}/notes/", SEE, None),
    ("concours:scores_import", "get", lambda w: f"/concours/{w['C5'].slug}/notes/ecrit/import/", CHANGE_PAGE, None),
    ("concours:scores_template", "get", lambda w: f"/concours/{w['C5'].slug}/notes/ecrit/modele.xlsx", SEE, None),
    ("concours:merit", "get", lambda w: f"/concours/{w['C3'].slug}/classement/", SEE, None),
    ("concours:merit", "get", lambda w: f"/concours/{w['C3'].slug}/classement/?version=1", SEE, None),
    ("concours:merit_pdf", "get", lambda w: f"/concours/{w['C3'].slug}/classement/liste.pdf?lang=ar", EVERYONE, None),
    ("concours:merit_pdf", "get", lambda w: f"/concours/{w['C4'].slug}/classement/liste.pdf", DRAFT, None),
    ("concours:merit_xlsx", "get", lambda w: f"/concours/{w['C3'].slug}/classement/liste.xlsx", EVERYONE, None),
    ("concours:merit_xlsx", "get", lambda w: f"/concours/{w['C4'].slug}/classement/liste.xlsx?lang=ar", DRAFT, None),
    ("concours:results", "get", lambda w: f"/concours/{w['C3'].slug}/resultats/?numero=A-1", EVERYONE, None),
    ("concours:results", "get", lambda w: f"/concours/{w['C4'].slug}/resultats/", NOBODY, None),
    ("concours:result_slip", "get", lambda w: f"/concours/candidatures/{w['cand_A3'].pk}/releve.pdf", SLIP_OF_A, None),
    ("concours:result_slip", "get", lambda w: f"/concours/candidatures/{w['cand_X3'].pk}/releve.pdf",
     SLIP_OF_OTHER, None),
    ("concours:result_slip", "get", lambda w: f"/concours/candidatures/{w['cand_A'].pk}/releve.pdf",
     SLIP_UNPUBLISHED, None),
    # Writes last: they change C5 (a test, a score) but none of the rows above reads it again.
    ("concours:tests", "post", lambda w: f"/concours/{w['C5'].slug}/epreuves/", CHANGE_POST,
     {"code": "oral", "name_fr": "Oral", "weight": "1", "max_score": "20"}),
    ("concours:scores", "post", lambda w: f"/concours/{w['C5'].slug}/notes/", CHANGE_POST,
     {"candidate": "N-1", "test": "ecrit", "value": "12"}),
    # Published: the computation is refused (a message), the revision without a reason too.
    ("concours:merit_compute", "post", lambda w: f"/concours/{w['C3'].slug}/classement/calculer/", CHANGE_POST, None),
    ("concours:merit_revise", "post", lambda w: f"/concours/{w['C3'].slug}/classement/reviser/",
     expect(CHANGES_F1, 400, 403, anonymous=302, scope=SEES_F1),
     {"reason": ""}),
]
