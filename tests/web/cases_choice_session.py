"""Access-matrix rows for the choice session's office pages, its rounds, laureates and the
laureate's own wishes (see test_access_matrix.py).

The world gets a choice session of F1/CHU1 with the wishes open and one simulation round run,
where person A (the trainee) is laureate 1 and another candidate laureate 2; the same on F2/CHU2
without person A; and a deliberated résidanat of each faculty without a session yet. The office
pages are for whoever sees the competition (a laureate gets 404 there, as anybody outside the
scope), their actions for whoever changes it (403 for those who only see it); the wishes page
answers its laureate alone."""

import datetime as dt

from django.utils import timezone

from residanat.accounts.roles import Role
from residanat.choice.models import ChoiceSession, Post
from residanat.choice.rounds import do_run_round
from residanat.choice.sessions import do_create_session, do_open_wishes
from residanat.choice.wishes import do_save_wishes
from residanat.concours.models import Candidate, Competition, MeritEntry, MeritList, PostAllocation
from tests.concours.factories import CandidateFactory, CompetitionFactory
from tests.people.factories import PersonFactory
from tests.referential.factories import SpecialtyFactory
from tests.web.matrix import CHANGES_F1, CHANGES_F2, LOGGED_IN, SEES_F1, SEES_F2, LateId, expect

SLUGS = {"V1": "residanat-2026-voeux-f1", "V2": "residanat-2026-voeux-f2",
         "V1_new": "residanat-2026-voeux-f1-nouveau", "V2_new": "residanat-2026-voeux-f2-nouveau"}


# Post ids exist only once the world is built: the bodies hold references read when the test
# client encodes the form.
_IDS: dict[str, int] = {}



def _competition(world, slug, faculty, centre, person=None) -> Competition:
    admin = world["admin"]
    competition = CompetitionFactory(faculty=world[faculty], hospital_centre=world[centre], slug=slug,
                                     state=Competition.State.DELIBERATED)
    for code in ("cardio", "pedia"):
        PostAllocation.objects.create(competition=competition, seat_type="contract", group="medical",
                                      track="medicine", specialty=SpecialtyFactory(code=f"{slug}-{code}"), seats=1)
    merit_list = MeritList.objects.create(competition=competition, version=1, created_by=admin, locked_by=admin,
                                          locked_at=timezone.now())
    for rank, who in enumerate((person or PersonFactory(), PersonFactory()), 1):
        candidate = CandidateFactory(competition=competition, person=who, number=f"VX-{rank}",
                                     state=Candidate.State.ELIGIBLE)
        MeritEntry.objects.create(merit_list=merit_list, candidate=candidate, rank=rank,
                                  outcome=MeritEntry.Outcome.ADMITTED)
    return competition


def _session(world, key, faculty, centre, person=None) -> ChoiceSession:
    admin = world["admin"]
    competition = _competition(world, SLUGS[key], faculty, centre, person)
    session = do_open_wishes(do_create_session(competition, admin), timezone.now() + dt.timedelta(days=2), admin)
    posts = list(Post.objects.filter(session=session).order_by("code"))
    for chooser in session.choosers.all():
        do_save_wishes(chooser, [p.pk for p in posts], admin)
    do_run_round(session, admin)
    _IDS[f"{key}:post"] = posts[1].pk
    return session


def build(world):
    return {
        "V1": _session(world, "V1", "F1", "CHU1", person=world["A"]),
        "V2": _session(world, "V2", "F2", "CHU2"),
        "V1_new": _competition(world, SLUGS["V1_new"], "F1", "CHU1"),
        "V2_new": _competition(world, SLUGS["V2_new"], "F2", "CHU2"),
    }


def _url(key, rest=""):
    return lambda w: f"/choix/{SLUGS[key]}/{rest}"


LIST = expect(LOGGED_IN, 200, None, anonymous=302)
OFFICE_F1 = expect(SEES_F1, 200, 404, anonymous=302)
OFFICE_F2 = expect(SEES_F2, 200, 404, anonymous=302)
ACT_F1 = expect(CHANGES_F1, 302, 403, anonymous=302, scope=SEES_F1)
ACT_F2 = expect(CHANGES_F2, 302, 403, anonymous=302, scope=SEES_F2)
OWN_WISHES = expect({Role.TRAINEE}, 200, 404, anonymous=302)
SAVE_OWN_WISHES = expect({Role.TRAINEE}, 302, 404, anonymous=302)
NOBODYS_WISHES = expect(set(), None, 404, anonymous=302)
OWN_API = expect({Role.TRAINEE}, 200, 404, anonymous=401)
NOBODYS_API = expect(set(), None, 404, anonymous=401)

CASES = [
    ("choice:sessions", "get", lambda w: "/choix/", LIST, None),
    ("choice:session", "get", _url("V1"), OFFICE_F1, None),
    ("choice:session", "get", _url("V2"), OFFICE_F2, None),
    ("choice:round", "get", _url("V1", "tours/1/"), OFFICE_F1, None),
    ("choice:round", "get", _url("V2", "tours/1/"), OFFICE_F2, None),
    ("choice:laureates", "get", _url("V1", "laureats/"), OFFICE_F1, None),
    ("choice:laureates", "get", _url("V2", "laureats/"), OFFICE_F2, None),
    ("choice:laureate", "get", _url("V1", "laureats/1/"), OFFICE_F1, None),
    ("choice:laureate", "get", _url("V2", "laureats/2/"), OFFICE_F2, None),
    ("choice:my-wishes", "get", _url("V1", "mes-voeux/"), OWN_WISHES, None),
    ("choice:my-wishes", "get", _url("V2", "mes-voeux/"), NOBODYS_WISHES, None),
    ("choice:my-call", "get", _url("V1", "mes-voeux/appel/"), OWN_WISHES, None),
    ("choice:my-call", "get", _url("V2", "mes-voeux/appel/"), NOBODYS_WISHES, None),
    ("choice:provisional", "get", _url("V1", "provisoire/"), OFFICE_F1, None),
    ("choice:provisional", "get", _url("V2", "provisoire/"), OFFICE_F2, None),
    # The laureate's own API: nobody else's list is found (404), whoever asks.
    ("api:choice-me-what-if", "post_json", lambda w: f"/api/v1/choice/sessions/{SLUGS['V1']}/me/what-if",
     OWN_API, {"posts": []}),
    ("api:choice-me-what-if", "post_json", lambda w: f"/api/v1/choice/sessions/{SLUGS['V2']}/me/what-if",
     NOBODYS_API, {"posts": []}),
    # Writes last; for those allowed each one succeeds (or is refused with a message) and redirects.
    ("choice:my-wishes", "post", _url("V1", "mes-voeux/"), SAVE_OWN_WISHES,
     {"posts": [LateId(_IDS, "V1:post")], "op": "save"}),
    ("choice:my-wishes", "post", _url("V2", "mes-voeux/"), NOBODYS_WISHES, {"posts": [LateId(_IDS, "V2:post")], "op": "save"}),
    ("api:choice-me-wishes", "put", lambda w: f"/api/v1/choice/sessions/{SLUGS['V1']}/me/wishes", OWN_API,
     {"posts": []}),
    ("api:choice-me-wishes", "put", lambda w: f"/api/v1/choice/sessions/{SLUGS['V2']}/me/wishes", NOBODYS_API,
     {"posts": []}),
    ("choice:laureate", "post", _url("V1", "laureats/2/"), ACT_F1, {"posts": [LateId(_IDS, "V1:post")], "op": "save"}),
    ("choice:laureate", "post", _url("V2", "laureats/2/"), ACT_F2, {"posts": [LateId(_IDS, "V2:post")], "op": "save"}),
    ("choice:open-wishes", "post", _url("V1", "voeux/ouvrir/"), ACT_F1, {"deadline": "2099-06-25T18:00"}),
    ("choice:open-wishes", "post", _url("V2", "voeux/ouvrir/"), ACT_F2, {"deadline": "2099-06-25T18:00"}),
    ("choice:schedule-round", "post", _url("V1", "tours/programmer/"), ACT_F1, {"at": "2099-06-20T10:00"}),
    ("choice:run-round", "post", _url("V1", "tours/lancer/"), ACT_F1, None),
    ("choice:run-round", "post", _url("V2", "tours/lancer/"), ACT_F2, None),
    # Before the deadline: refused with the service's message, the session stays open.
    ("choice:run-final", "post", _url("V1", "tours/definitif/"), ACT_F1, {"confirm": "on"}),
    ("choice:create", "post", _url("V1_new", "creer/"), ACT_F1, None),
    ("choice:create", "post", _url("V2_new", "creer/"), ACT_F2, None),
]
