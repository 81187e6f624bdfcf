"""Access-matrix rows for the live choice session (see test_access_matrix.py): the operator's
screen and its actions, the public board.

The world gets three choice sessions: "live_F1" (live, F1/CHU1), "live_F2" (live, F2/CHU2) and
"prep_F1" (in preparation, F1/CHU1). The operator's screen follows the competition's change
scope (403 for those who only see it, 404 outside its scope); the board is public in every state
(before the live session it announces the day it opens)."""

from django.utils import timezone

from residanat.choice.models import ChoiceSession
from residanat.choice.sessions import do_create_session, do_start_live
from residanat.concours.models import Candidate, Competition, MeritEntry, MeritList, PostAllocation
from tests.concours.factories import CandidateFactory, CompetitionFactory
from tests.referential.factories import SpecialtyFactory
from tests.web.matrix import ALL, CHANGES_F1, CHANGES_F2, SEES_F1, SEES_F2, LateId, expect

# The ids a POST names (a chooser, a post) exist only once the world is built: the bodies below
# hold references that read them when the test client encodes the form.
_IDS: dict[str, int] = {}



def _session(world, key, faculty, centre, specialty, live=True) -> ChoiceSession:
    competition = CompetitionFactory(faculty=world[faculty], hospital_centre=world[centre],
                                     slug=f"residanat-2026-choix-{key.lower().replace('_', '-')}",
                                     state=Competition.State.DELIBERATED)
    PostAllocation.objects.create(competition=competition, seat_type="contract", group="medical",
                                  track="medicine", specialty=specialty, seats=2)
    admin = world["admin"]
    merit_list = MeritList.objects.create(competition=competition, version=1, created_by=admin, locked_by=admin,
                                          locked_at=timezone.now())
    for rank in (1, 2, 3):
        candidate = CandidateFactory(competition=competition, number=f"{key}-{rank}", state=Candidate.State.ELIGIBLE)
        MeritEntry.objects.create(merit_list=merit_list, candidate=candidate, rank=rank,
                                  outcome=MeritEntry.Outcome.ADMITTED)
    session = do_create_session(competition, admin)
    return do_start_live(session, admin, place="Amphi") if live else session


def build(world):
    specialty = SpecialtyFactory(code="choice-live-matrix", name_fr="Cardiologie (séance)")
    sessions = {"live_F1": _session(world, "live_F1", "F1", "CHU1", specialty),
                "live_F2": _session(world, "live_F2", "F2", "CHU2", specialty),
                "prep_F1": _session(world, "prep_F1", "F1", "CHU1", specialty, live=False)}
    for key, session in sessions.items():
        _IDS[f"{key}:chooser1"] = session.choosers.get(order=1).pk
        _IDS[f"{key}:chooser2"] = session.choosers.get(order=2).pk
        _IDS[f"{key}:post"] = session.posts.get().pk
    return sessions


def _url(key, rest):
    return lambda w: f"/choix/{w[key].competition.slug}/{rest}"


RUN_F1 = expect(CHANGES_F1, 200, 403, anonymous=302, scope=SEES_F1)
RUN_F2 = expect(CHANGES_F2, 200, 403, anonymous=302, scope=SEES_F2)
ACT_F1 = expect(CHANGES_F1, 302, 403, anonymous=302, scope=SEES_F1)
ACT_F2 = expect(CHANGES_F2, 302, 403, anonymous=302, scope=SEES_F2)
PUBLIC = expect(ALL, 200, None)

CASES = [
    ("choice:board", "get", _url("live_F1", "tableau/"), PUBLIC, None),
    ("choice:board", "get", _url("live_F2", "tableau/"), PUBLIC, None),
    ("choice:board", "get", _url("prep_F1", "tableau/"), PUBLIC, None),
    ("choice:board-fragment", "get", _url("live_F1", "tableau/etat/"), PUBLIC, None),
    ("choice:board-fragment", "get", _url("live_F2", "tableau/etat/"), PUBLIC, None),
    ("choice:board-fragment", "get", _url("prep_F1", "tableau/etat/"), PUBLIC, None),
    ("choice:board-fragment", "get", _url("prep_F1", "tableau/etat/?attente=1"), PUBLIC, None),
    ("choice:operator", "get", _url("live_F1", "seance/"), RUN_F1, None),
    ("choice:operator", "get", _url("live_F2", "seance/"), RUN_F2, None),
    ("choice:operator", "get", _url("prep_F1", "seance/"), RUN_F1, None),
    # Writes last. For the editors each one succeeds and redirects to the screen: rank 1 absent,
    # rank 2 chooses, the choice is undone, closing is refused (laureates wait), prep_F1 opens.
    ("choice:live-absent", "post", _url("live_F1", "seance/absent/"), ACT_F1, {"chooser": LateId(_IDS, "live_F1:chooser1")}),
    ("choice:live-choose", "post", _url("live_F1", "seance/choisir/"), ACT_F1,
     {"chooser": LateId(_IDS, "live_F1:chooser2"), "post": LateId(_IDS, "live_F1:post")}),
    ("choice:live-choose", "post", _url("live_F2", "seance/choisir/"), ACT_F2,
     {"chooser": LateId(_IDS, "live_F2:chooser1"), "post": LateId(_IDS, "live_F2:post")}),
    ("choice:live-undo", "post", _url("live_F1", "seance/annuler/"), ACT_F1, {"reason": "erreur de saisie"}),
    ("choice:live-close", "post", _url("live_F1", "seance/clore/"), ACT_F1, {"note": ""}),
    ("choice:live-start", "post", _url("prep_F1", "seance/ouvrir/"), ACT_F1, {"place": "Amphi B"}),
]
