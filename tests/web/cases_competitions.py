"""Access-matrix rows for competitions: the world gets C1 (résidanat of F1/CHU1, candidate
person A) and C2 (résidanat of F2/CHU2, candidate person B), both with registration open."""

import datetime as dt

from residanat.concours.models import Competition, MeritList
from tests.concours.factories import CandidateFactory, CompetitionFactory
from tests.web.matrix import ALL, CHANGES_F2, LOGGED_IN, SEES_F1, SEES_F2, expect


def build(world):
    c1 = CompetitionFactory(faculty=world["F1"], hospital_centre=world["CHU1"],
                            state=Competition.State.REGISTRATION_OPEN, slug="residanat-2026-f1",
                            session_date=dt.date(2026, 12, 20), registration_closes_on=dt.date(2026, 12, 1))
    c2 = CompetitionFactory(faculty=world["F2"], hospital_centre=world["CHU2"],
                            state=Competition.State.REGISTRATION_OPEN, slug="residanat-2026-f2",
                            session_date=dt.date(2026, 12, 20), registration_closes_on=dt.date(2026, 12, 1))
    MeritList.objects.create(competition=c1, version=1, created_by=world["admin"])
    return {
        "C1": c1, "C2": c2,
        "cand_A": CandidateFactory(competition=c1, person=world["A"]),
        "cand_B": CandidateFactory(competition=c2, person=world["B"]),
    }


CASES = [
    ("api:competitions", "get", lambda w: "/api/v1/competitions", expect(LOGGED_IN, 200, None, anonymous=401), None),
    ("api:competition", "get", lambda w: f"/api/v1/competitions/{w['C1'].slug}",
     expect(SEES_F1, 200, 404, anonymous=401), None),
    ("api:competition", "get", lambda w: f"/api/v1/competitions/{w['C2'].slug}",
     expect(SEES_F2, 200, 404, anonymous=401), None),
    ("api:competition-allocations", "get", lambda w: f"/api/v1/competitions/{w['C1'].slug}/allocations",
     expect(SEES_F1, 200, 404, anonymous=401), None),
    ("api:competition-candidates", "get", lambda w: f"/api/v1/competitions/{w['C2'].slug}/candidates",
     expect(SEES_F2, 200, 404, anonymous=401), None),
    ("api:competition-merit-list", "get", lambda w: f"/api/v1/competitions/{w['C1'].slug}/merit-list",
     expect(SEES_F1, 200, 404, anonymous=401), None),
    ("api:competition-transition", "post_json", lambda w: f"/api/v1/competitions/{w['C1'].slug}/transitions",
     expect(SEES_F1, 400, 404, anonymous=401), {"to": "published"}),
    ("concours:list", "get", lambda w: "/concours/", expect(ALL, 200, None), None),
    ("concours:detail", "get", lambda w: f"/concours/{w['C1'].slug}/", expect(SEES_F1, 200, 404, anonymous=302), None),
    ("concours:detail", "get", lambda w: f"/concours/{w['C2'].slug}/", expect(SEES_F2, 200, 404, anonymous=302), None),
    # Closing registration is for the organisers (ministry, the dean of the faculty): others who
    # can see C2 are refused, the rest do not find it.
    ("concours:transition", "post", lambda w: f"/concours/{w['C2'].slug}/etat/",
     expect(CHANGES_F2, 302, 403, anonymous=302, scope=SEES_F2),
     {"to": "registration_closed"}),
]
