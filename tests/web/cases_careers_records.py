"""Access-matrix rows for the record pages (leave and its second approval, residency years,
degrees, rural missions, appointments, doctorate alerts) and their API; see test_access_matrix.py.

The world gets, in F1/CHU1/S1 and in F2/CHU2: an intern, a resident (since 2020, with an annual
leave recorded by another user of the faculty's dean's office, waiting for the director), and in
F1 an intern to appoint resident and an extern to give 7th-year intern duties; plus a
public-health intern (RD68: national roles only) who did the internat in year 6. A form answers
404 outside the scope and 403 to whoever sees the row but may not act: an intern's leave is the
director's (D93 art. 7, 20), a residency year the dean's or the Ministry's (art. 23), a resident's
leave is approved by the other one of the dean and the director (art. 28), missions and 7th-year
duties the Ministry's (RD68 ch. 6, 14)."""

import datetime as dt

from residanat.accounts.roles import Role
from residanat.careers.leave import do_record_leave
from tests.accounts.factories import user_with_role
from tests.people.factories import PersonFactory, TraineeStatusFactory
from tests.referential.factories import EstablishmentFactory, SpecialtyFactory
from tests.web.matrix import LOGGED_IN, NATIONAL, LateId, expect

D = dt.date
_IDS: dict[str, int] = {}

SEES_1 = NATIONAL | {Role.DEAN_OFFICE, Role.HOSPITAL_DIRECTOR_OFFICE, Role.HEAD_OF_SERVICE, Role.COMMITTEE_MEMBER}
SEES_2 = NATIONAL
MINISTRY = {"superuser", Role.MINISTRY_ADMIN}
DIRECTOR_1 = {"superuser", Role.HOSPITAL_DIRECTOR_OFFICE}
DEAN_1 = MINISTRY | {Role.DEAN_OFFICE}
APPOINTS_1 = MINISTRY | {Role.DEAN_OFFICE, Role.HOSPITAL_DIRECTOR_OFFICE}


def _status(world, kind, faculty, centre, service=None, **extra):
    return TraineeStatusFactory(person=PersonFactory(), kind=kind, track="medicine", faculty=world[faculty],
                                hospital_centre=world[centre], service=world[service] if service else None, **extra)


def _resident(world, n):
    status = _status(world, "resident", f"F{n}", f"CHU{n}", "S1" if n == 1 else None, specialty=SpecialtyFactory(),
                     start_date=D(2020, 11, 1), entry_route="competition")
    dean = user_with_role(Role.DEAN_OFFICE, faculty=world[f"F{n}"])
    leave = do_record_leave(status, "annual", D(2025, 7, 1), D(2025, 7, 30), "", dean)
    return status, leave


def build(world):
    resident_1, leave_1 = _resident(world, 1)
    resident_2, leave_2 = _resident(world, 2)
    rural = EstablishmentFactory(hospital_centre=None, kind="health_centre")
    ph_hospital = EstablishmentFactory(hospital_centre=None, kind="provincial_hospital")
    _IDS.update(rural=rural.pk, ph_hospital=ph_hospital.pk, specialty=SpecialtyFactory().pk,
                F1=world["F1"].pk, CHU1=world["CHU1"].pk)
    return {
        "rec_intern_1": _status(world, "intern", "F1", "CHU1", "S1", start_date=D(2025, 11, 1)),
        "rec_intern_2": _status(world, "intern", "F2", "CHU2", start_date=D(2025, 11, 1)),
        "rec_resident_1": resident_1, "rec_leave_1": leave_1,
        "rec_resident_2": resident_2, "rec_leave_2": leave_2,
        "rec_ph": TraineeStatusFactory(person=PersonFactory(), kind="public_health_intern", faculty=None,
                                       hospital_centre=None, establishment=ph_hospital, start_date=D(2025, 11, 1),
                                       internat_in_year6=True),
        "rec_to_appoint": _status(world, "intern", "F1", "CHU1", "S1", start_date=D(2024, 11, 1)),
        "rec_seventh": _status(world, "extern", "F1", "CHU1", "S1", study_year=6, start_date=D(2025, 9, 1),
                               end_date=D(2026, 8, 31)),
    }


def _form(allowed, scope, yes=200):
    return expect(allowed, yes, 403, anonymous=302, scope=scope)


def _api(allowed, scope, yes=200):
    return expect(allowed, yes, 403, anonymous=401, scope=scope)


def _status_url(key, rest):
    return lambda w: f"/parcours/statuts/{w[key].pk}/{rest}"


def _person_url(key, rest):
    return lambda w: f"/parcours/personnes/{w[key].person_id}/{rest}"


ANNUAL = {"kind": "annual", "start": "2026-07-01", "end": "2026-07-30", "reference": "Matrice"}
YEAR = {"outcome": "validated", "reference": "PV 1"}
DOCTORATE = {"kind": "doctorate", "awarded_on": "2025-06-30", "reference": "Thèse 1"}
MISSION = {"establishment": LateId(_IDS, "rural"), "start": "2026-01-01", "end": "2026-01-31", "reference": "DM 1"}
RESIDENT = {"entry_route": "competition", "specialty": LateId(_IDS, "specialty"), "faculty": LateId(_IDS, "F1"),
            "hospital_centre": LateId(_IDS, "CHU1"), "start": "2026-11-01", "decision_ref": "DC 1"}
SEVENTH = {"establishment": LateId(_IDS, "ph_hospital"), "start": "2026-09-01", "end": "2027-06-30",
           "decision_ref": "DM 7"}

PAGE = expect(LOGGED_IN, 200, None, anonymous=302)
API = _api(LOGGED_IN, LOGGED_IN)
S, P = _status_url, _person_url


def _api_url(key, rest):
    return lambda w: f"/api/v1/careers/statuses/{w[key].pk}/{rest}"


def _own_status(w):
    return f"/api/v1/careers/statuses/{w['A'].statuses.order_by('pk')[0].pk}/leaves"


CASES = [
    ("careers:leaves-to-approve", "get", lambda w: "/parcours/conges/a-approuver/", PAGE, None),
    ("careers:doctorate-alerts", "get", lambda w: "/parcours/alertes/doctorat/", PAGE, None),
    ("careers:leave-new", "get", S("rec_intern_1", "conges/nouveau/"), _form(DIRECTOR_1, SEES_1), None),
    ("careers:leave-new", "get", S("rec_intern_2", "conges/nouveau/"), _form({"superuser"}, SEES_2), None),
    ("careers:residency-year-new", "get", S("rec_resident_1", "annees/nouvelle/"), _form(DEAN_1, SEES_1), None),
    ("careers:residency-year-new", "get", S("rec_resident_2", "annees/nouvelle/"), _form(MINISTRY, SEES_2), None),
    ("careers:degree-new", "get", P("rec_resident_1", "diplomes/nouveau/"), _form(DEAN_1, SEES_1), None),
    ("careers:degree-new", "get", P("rec_resident_2", "diplomes/nouveau/"), _form(MINISTRY, SEES_2), None),
    ("careers:mission-new", "get", S("rec_ph", "missions/nouvelle/"), _form(MINISTRY, SEES_2), None),
    ("careers:resident-new", "get", P("rec_to_appoint", "residanat/nouveau/"), _form(APPOINTS_1, SEES_1), None),
    ("careers:resident-new", "get", P("rec_intern_2", "residanat/nouveau/"), _form(MINISTRY, SEES_2), None),
    ("careers:seventh-year-new", "get", P("rec_seventh", "septieme-annee/nouveau/"), _form(MINISTRY, SEES_1), None),
    ("api:careers-status-leaves", "get", _own_status, API, None),
    ("api:careers-status-leaves", "get", _api_url("rec_intern_2", "leaves"), _api(NATIONAL, NATIONAL), None),
    ("api:careers-residency-years", "get", _api_url("rec_resident_1", "residency-years"), _api(SEES_1, SEES_1), None),
    ("api:careers-doctorate-alerts", "get", lambda w: "/api/v1/careers/doctorate-alerts", API, None),
    # Writes last; each succeeds for those allowed and redirects to the timeline (201 for the API).
    ("careers:leave-new", "post", S("rec_intern_1", "conges/nouveau/"), _form(DIRECTOR_1, SEES_1, 302), ANNUAL),
    ("careers:leave-new", "post", S("rec_intern_2", "conges/nouveau/"), _form({"superuser"}, SEES_2, 302), ANNUAL),
    ("api:careers-status-leave-create", "post_json", _api_url("rec_intern_1", "leaves"), _api(DIRECTOR_1, SEES_1, 201),
     {"kind": "annual", "start_date": "2026-11-10", "end_date": "2026-11-20"}),
    ("careers:leave-approve", "post", lambda w: f"/parcours/conges/{w['rec_leave_1'].pk}/approuver/",
     _form(DIRECTOR_1, SEES_1, 302), None),
    ("careers:leave-approve", "post", lambda w: f"/parcours/conges/{w['rec_leave_2'].pk}/approuver/",
     _form({"superuser"}, SEES_2, 302), None),
    ("careers:residency-year-new", "post", S("rec_resident_1", "annees/nouvelle/"), _form(DEAN_1, SEES_1, 302), YEAR),
    ("careers:residency-year-new", "post", S("rec_resident_2", "annees/nouvelle/"), _form(MINISTRY, SEES_2, 302), YEAR),
    ("careers:degree-new", "post", P("rec_resident_1", "diplomes/nouveau/"), _form(DEAN_1, SEES_1, 302), DOCTORATE),
    ("careers:mission-new", "post", S("rec_ph", "missions/nouvelle/"), _form(MINISTRY, SEES_2, 302), MISSION),
    ("careers:resident-new", "post", P("rec_to_appoint", "residanat/nouveau/"), _form(APPOINTS_1, SEES_1, 302), RESIDENT),
    ("careers:seventh-year-new", "post", P("rec_seventh", "septieme-annee/nouveau/"), _form(MINISTRY, SEES_1, 302), SEVENTH),
]
