"""Access-matrix rows for competitions: the world gets C1 (résidanat of F1/CHU1, candidate
person A) and C2 (résidanat of F2/CHU2, candidate person B), both with registration open."""

from residanat.concours.models import Competition
from tests.concours.factories import CandidateFactory, CompetitionFactory


def build(world):
    c1 = CompetitionFactory(faculty=world["F1"], hospital_centre=world["CHU1"],
                            state=Competition.State.REGISTRATION_OPEN, slug="residanat-2026-f1")
    c2 = CompetitionFactory(faculty=world["F2"], hospital_centre=world["CHU2"],
                            state=Competition.State.REGISTRATION_OPEN, slug="residanat-2026-f2")
    return {
        "C1": c1, "C2": c2,
        "cand_A": CandidateFactory(competition=c1, person=world["A"]),
        "cand_B": CandidateFactory(competition=c2, person=world["B"]),
    }


CASES = []
