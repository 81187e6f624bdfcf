"""Access-matrix rows for the choice of services by merit each rotation period (see
test_access_matrix.py).

The world gets a D93 period of CHU1/F1 with seats in S1 (so its head of service sees it), both
approvals given and the wishes open, in which person A (the trainee, an intern of CHU1) chooses;
the same for CHU2/F2 with person B; and an RD68 period being prepared (national roles only).
The office page is for the staff who see the period (a trainee gets 404 there and has their own
wishes page); its actions answer 403 to whoever sees the period but may not act: the seats are
the office's and the dean's, the approvals the dean's and the director's (D93 art. 15), opening,
assigning and assigning by hand the office's (the Ministry and the centre's director)."""

import datetime as dt

from django.utils import timezone

from residanat.accounts.roles import Role
from residanat.careers.periods import do_approve_seats, do_create_period, do_open_wishes, do_set_seats
from tests.referential.factories import EstablishmentFactory, HospitalServiceFactory
from tests.web.matrix import LOGGED_IN, NATIONAL, LateId, expect

D = dt.date
_IDS: dict[str, int] = {}


def _period(world, centre, faculty, services, *, regime="D93", open_wishes=True):
    admin = world["admin"]
    period = do_create_period(regime=regime, track="medicine", hospital_centre=centre, faculty=faculty,
                              label=f"Matrice {regime} {centre or ''}", start=D(2026, 3, 1), end=D(2026, 8, 31),
                              by=admin)
    period = do_set_seats(period, {s: 2 for s in services}, admin)
    period = do_approve_seats(period, admin)
    if open_wishes:
        period = do_open_wishes(period, timezone.now() + dt.timedelta(days=3), admin)
    return period


def build(world):
    s1b = HospitalServiceFactory(establishment=world["S1"].establishment)
    s2 = HospitalServiceFactory(establishment=EstablishmentFactory(hospital_centre=world["CHU2"]))
    ph = HospitalServiceFactory(establishment=EstablishmentFactory(hospital_centre=None))
    p1 = _period(world, world["CHU1"], world["F1"], [world["S1"], s1b])
    p2 = _period(world, world["CHU2"], world["F2"], [s2])
    p3 = _period(world, None, None, [ph], regime="RD68", open_wishes=False)
    chooser = p1.choosers.get(status__person=world["A"])
    _IDS.update({"CHU1": world["CHU1"].pk, "P1:chooser": chooser.pk, "P1:service": s1b.pk})
    return {"P1": p1, "P2": p2, "P3": p3}


def _url(key, rest=""):
    return lambda w: f"/parcours/periodes/{w[key].pk}/{rest}"


def _api(key, rest=""):
    return lambda w: f"/api/v1/careers/periods/{w[key].pk}{rest}"


# Who sees P1 as staff: the national roles, the dean of F1, CHU1's director and committee, and the
# head of S1 (S1 has seats in it). The trainee sees it through their own place only.
STAFF_P1 = NATIONAL | {Role.DEAN_OFFICE, Role.HOSPITAL_DIRECTOR_OFFICE, Role.COMMITTEE_MEMBER, Role.HEAD_OF_SERVICE}
SEES_P1 = STAFF_P1 | {Role.TRAINEE}
OFFICE = {"superuser", Role.MINISTRY_ADMIN}
OFFICE_P1 = OFFICE | {Role.HOSPITAL_DIRECTOR_OFFICE}
SEATS_P1 = OFFICE_P1 | {Role.DEAN_OFFICE}
APPROVES_P1 = {"superuser", Role.DEAN_OFFICE, Role.HOSPITAL_DIRECTOR_OFFICE}


def act(allowed, sees):
    return expect(allowed, 302, 403, anonymous=302, scope=sees)


def refused(allowed, sees):
    """A form the matrix posts invalid (or refused): the page again with its errors (issue 25 item 1)."""
    return expect(allowed, 400, 403, anonymous=302, scope=sees)


CREATE_BODY = {"regime": "D93", "track": "medicine", "hospital_centre": LateId(_IDS, "CHU1"), "label": "Matrice",
               "start_date": "2026-11-01", "end_date": "2027-04-30"}
HAND_BODY = {"chooser": LateId(_IDS, "P1:chooser"), "service": LateId(_IDS, "P1:service")}
API_SEES_P1 = expect(SEES_P1, 200, 404, anonymous=401)
API_OWN = expect({Role.TRAINEE}, 200, 404, anonymous=401)

CASES = [
    ("careers:periods", "get", lambda w: "/parcours/periodes/", expect(LOGGED_IN, 200, None, anonymous=302), None),
    ("careers:period", "get", _url("P1"), expect(STAFF_P1, 200, 404, anonymous=302), None),
    ("careers:period", "get", _url("P2"), expect(NATIONAL, 200, 404, anonymous=302), None),
    ("careers:period", "get", _url("P3"), expect(NATIONAL, 200, 404, anonymous=302), None),
    ("careers:period-wishes", "get", _url("P1", "voeux/"), expect({Role.TRAINEE}, 200, 404, anonymous=302), None),
    ("careers:period-wishes", "get", _url("P2", "voeux/"), expect(set(), None, 404, anonymous=302), None),
    ("api:careers-periods", "get", lambda w: "/api/v1/careers/periods", expect(LOGGED_IN, 200, None, anonymous=401),
     None),
    ("api:careers-period", "get", _api("P1"), API_SEES_P1, None),
    ("api:careers-period", "get", _api("P2"), expect(NATIONAL, 200, 404, anonymous=401), None),
    ("api:careers-period-my-wishes", "get", _api("P1", "/my-wishes"), API_OWN, None),
    ("api:careers-period-my-wishes", "get", _api("P2", "/my-wishes"), expect(set(), None, 404, anonymous=401), None),
    # Writes last; for those allowed each one succeeds or is refused with a message, and redirects.
    ("api:careers-period-my-wishes-save", "put", _api("P1", "/my-wishes"), API_OWN, {"services": []}),
    ("api:careers-period-my-wishes-save", "put", _api("P2", "/my-wishes"), expect(set(), None, 404, anonymous=401),
     {"services": []}),
    ("careers:period-wishes", "post", _url("P1", "voeux/"), expect({Role.TRAINEE}, 302, 404, anonymous=302), None),
    ("careers:period-wishes", "post", _url("P2", "voeux/"), expect(set(), None, 404, anonymous=302), None),
    ("careers:period-seats", "post", _url("P1", "places/"), refused(SEATS_P1, SEES_P1), None),
    ("careers:period-seats", "post", _url("P2", "places/"), refused(OFFICE, NATIONAL), None),
    ("careers:period-approve", "post", _url("P1", "places/arreter/"), act(APPROVES_P1, SEES_P1), None),
    # RD68: the Ministry approves.
    ("careers:period-approve", "post", _url("P3", "places/arreter/"), act(OFFICE, NATIONAL), None),
    ("careers:period-open", "post", _url("P1", "voeux/ouvrir/"), act(OFFICE_P1, SEES_P1),
     {"deadline": "2099-06-25T18:00"}),
    ("careers:period-open", "post", _url("P2", "voeux/ouvrir/"), act(OFFICE, NATIONAL),
     {"deadline": "2099-06-25T18:00"}),
    # Before the deadline: refused with the service's message.
    ("careers:period-assign", "post", _url("P1", "attribuer/"), act(OFFICE_P1, SEES_P1), None),
    ("careers:period-assign", "post", _url("P2", "attribuer/"), act(OFFICE, NATIONAL), None),
    ("careers:period-assign-by-hand", "post", _url("P1", "attribuer/a-la-main/"), refused(OFFICE_P1, SEES_P1), HAND_BODY),
    ("careers:period-create", "post", lambda w: "/parcours/periodes/nouvelle/",
     expect(OFFICE_P1, 302, 403, anonymous=302), CREATE_BODY),
]
