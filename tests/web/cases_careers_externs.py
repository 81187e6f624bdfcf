"""Access-matrix rows for the externs' pages and API (D93 art. 2, 5); see test_access_matrix.py.

The world gets an extern of F1 and one of F2 and, for each, a batch proposed to a service of the
faculty's hospital centre. The list pages answer everyone signed in (each sees their scope); the
import and the proposal answer the dean's office and the ministry (403 for the others); a batch
answers its faculty and its hospital centre (404 outside), and only the director's office of the
centre or the ministry assigns it (403 for the others who see it, the dean included)."""

import datetime as dt

from residanat.accounts.roles import Role
from residanat.careers.externs import do_propose_extern_batch
from tests.people.factories import PersonFactory, TraineeStatusFactory
from tests.referential.factories import EstablishmentFactory, HospitalServiceFactory
from tests.web.matrix import LOGGED_IN, SEES_F1, SEES_F2, expect

START, END = dt.date(2025, 10, 1), dt.date(2025, 12, 31)


def _batch(world, faculty, centre, service):
    status = TraineeStatusFactory(kind="extern", study_year=4, person=PersonFactory(), faculty=world[faculty],
                                  hospital_centre=world[centre], start_date=dt.date(2025, 9, 1),
                                  end_date=dt.date(2026, 8, 31), entry_route="enrolment")
    rows = [{"identifier": status.person.national_id, "service": f"{service.establishment.code}/{service.code}"}]
    return do_propose_extern_batch(world[faculty], world[centre], f"Externes {faculty}", START, END, "PV 1/2025",
                                   rows, world["admin"]).batch


def build(world):
    s2 = HospitalServiceFactory(establishment=EstablishmentFactory(hospital_centre=world["CHU2"]))
    return {"XB1": _batch(world, "F1", "CHU1", world["S1"]), "XB2": _batch(world, "F2", "CHU2", s2)}


DEAN = {"superuser", Role.MINISTRY_ADMIN, Role.DEAN_OFFICE}
PAGE = expect(LOGGED_IN, 200, None, anonymous=302)
API = expect(LOGGED_IN, 200, None, anonymous=401)
DEAN_PAGE = expect(DEAN, 200, 403, anonymous=302)


def _batch_url(key, rest=""):
    return lambda w: f"/parcours/externes/affectations/{w[key].pk}/{rest}"


CASES = [
    ("careers:externs", "get", lambda w: "/parcours/externes/?year=2025", PAGE, None),
    ("careers:enrolment-import", "get", lambda w: "/parcours/externes/import/", DEAN_PAGE, None),
    ("careers:enrolment-template", "get", lambda w: "/parcours/externes/import/modele.xlsx", DEAN_PAGE, None),
    ("careers:extern-batches", "get", lambda w: "/parcours/externes/affectations/", PAGE, None),
    ("careers:extern-batch-new", "get", lambda w: "/parcours/externes/affectations/nouvelle/", DEAN_PAGE, None),
    ("careers:extern-batch-template", "get", lambda w: "/parcours/externes/affectations/modele.xlsx", DEAN_PAGE,
     None),
    ("careers:extern-batch", "get", _batch_url("XB1"), expect(SEES_F1, 200, 404, anonymous=302), None),
    ("careers:extern-batch", "get", _batch_url("XB2"), expect(SEES_F2, 200, 404, anonymous=302), None),
    ("api:careers-enrolments", "get", lambda w: "/api/v1/careers/enrolments", API, None),
    ("api:careers-extern-batches", "get", lambda w: "/api/v1/careers/extern-batches", API, None),
    ("api:careers-extern-batch", "get", lambda w: f"/api/v1/careers/extern-batches/{w['XB1'].pk}",
     expect(SEES_F1, 200, 404, anonymous=401), None),
    ("api:careers-extern-batch", "get", lambda w: f"/api/v1/careers/extern-batches/{w['XB2'].pk}",
     expect(SEES_F2, 200, 404, anonymous=401), None),
    # Writes last. Without a file the forms answer again (200) for those allowed.
    ("careers:enrolment-import", "post", lambda w: "/parcours/externes/import/", DEAN_PAGE, {"academic_year": "2025"}),
    ("careers:extern-batch-new", "post", lambda w: "/parcours/externes/affectations/nouvelle/", DEAN_PAGE,
     {"label": "x"}),
    ("careers:extern-batch-assign", "post", _batch_url("XB1", "affecter/"),
     expect({"superuser", Role.MINISTRY_ADMIN, Role.HOSPITAL_DIRECTOR_OFFICE}, 302, 403, anonymous=302,
            scope=SEES_F1), None),
    ("careers:extern-batch-assign", "post", _batch_url("XB2", "affecter/"),
     expect({"superuser", Role.MINISTRY_ADMIN}, 302, 403, anonymous=302, scope=SEES_F2), None),
]
