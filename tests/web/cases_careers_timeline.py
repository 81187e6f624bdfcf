"""Access-matrix rows for the careers timeline, the service pages, the validation of rotations and
the career documents (see test_access_matrix.py).

The world gets a service S2 of CHU2; person A (an intern of F1/CHU1/S1) has, in S1, two rotations
ending in a few days (one validated from the page, one through the API) and one validated rotation;
person B the same in S2. Everyone who sees a person sees their timeline; the service page is for
those whose scope holds the service; only the head of the service (or a superuser) validates, the
others who see the rotation get 403; documents are issued by those who change the person or by the
trainee themself (a title not yet earned is refused with a message, and redirects all the same).

Person C (an intern of F2/CHU2) once rotated in S1: the head of S1 reads that period on the service's
rotations, not C's career. C's person page, timeline page and timeline API answer alike (decision 0020).
"""

import datetime as dt

from django.utils import timezone

from residanat.accounts.roles import Role
from residanat.careers.models import Rotation
from residanat.careers.rotations import do_validate_rotation
from tests.people.factories import PersonFactory, TraineeStatusFactory
from tests.referential.factories import EstablishmentFactory, HospitalServiceFactory
from tests.web.matrix import LOGGED_IN, NATIONAL, expect

SEES_S1 = NATIONAL | {Role.DEAN_OFFICE, Role.HOSPITAL_DIRECTOR_OFFICE, Role.COMMITTEE_MEMBER, Role.HEAD_OF_SERVICE}
CHANGES_A = {"superuser", Role.MINISTRY_ADMIN, Role.DEAN_OFFICE, Role.HOSPITAL_DIRECTOR_OFFICE}
CHANGES_B = {"superuser", Role.MINISTRY_ADMIN}
CRITERIA = {"attendance": True, "knowledge": True, "practical_skills": True, "conduct": True}


def _rotations(world, person, service, key):
    status = person.statuses.order_by("pk").first()
    today = timezone.localdate()
    admin = world["admin"]

    def pending(days_left):
        return Rotation.objects.create(status=status, service=service, start_date=today - dt.timedelta(days=150),
                                       end_date=today + dt.timedelta(days=days_left), assigned_by=admin)

    done = Rotation.objects.create(status=status, service=service, start_date=status.start_date,
                                   end_date=status.start_date + dt.timedelta(days=180), assigned_by=admin)
    do_validate_rotation(done, by=admin, today=done.end_date, **CRITERIA)
    return {f"{key}:status": status, f"{key}:page": pending(5), f"{key}:api": pending(6), f"{key}:done": done}


def build(world):
    s2 = HospitalServiceFactory(establishment=EstablishmentFactory(hospital_centre=world["CHU2"]))
    c = PersonFactory()
    status_c = TraineeStatusFactory(person=c, faculty=world["F2"], hospital_centre=world["CHU2"])
    Rotation.objects.create(status=status_c, service=world["S1"], start_date=status_c.start_date,
                            end_date=status_c.start_date + dt.timedelta(days=90), assigned_by=world["admin"])
    return {"S2": s2, "C": c, **_rotations(world, world["A"], world["S1"], "rot_A"),
            **_rotations(world, world["B"], s2, "rot_B")}


PAGE_A = expect(LOGGED_IN, 200, None, anonymous=302)
PAGE_B = expect(NATIONAL, 200, 404, anonymous=302)
SERVICE_S1 = expect(SEES_S1, 200, 404, anonymous=302)
OWN = expect({Role.TRAINEE}, 200, 404, anonymous=302)
VALIDATE_A = expect({"superuser", Role.HEAD_OF_SERVICE}, 302, 403, anonymous=302)
VALIDATE_B = expect({"superuser"}, 302, 403, anonymous=302, scope=NATIONAL)
ISSUE_A = expect(CHANGES_A | {Role.TRAINEE}, 302, 403, anonymous=302)
ISSUE_B = expect(CHANGES_B, 302, 403, anonymous=302, scope=NATIONAL)
API_A = expect(LOGGED_IN, 200, None, anonymous=401)
API_B = expect(NATIONAL, 200, 404, anonymous=401)
# Someone who once rotated in S1 but is kept by F2/CHU2: the people scope alone (decision 0020).
PAGE_C = expect(NATIONAL, 200, 404, anonymous=302)
API_C = expect(NATIONAL, 200, 404, anonymous=401)
API_S1 = expect(SEES_S1, 200, 404, anonymous=401)
API_VALIDATE_A = expect({"superuser", Role.HEAD_OF_SERVICE}, 200, 403, anonymous=401)
API_VALIDATE_B = expect({"superuser"}, 200, 403, anonymous=401, scope=NATIONAL)
LANG = {"language": "fr"}

CASES = [
    ("careers:my-timeline", "get", lambda w: "/parcours/moi/", OWN, None),
    ("careers:person-timeline", "get", lambda w: f"/parcours/personnes/{w['A'].pk}/", PAGE_A, None),
    ("careers:person-timeline", "get", lambda w: f"/parcours/personnes/{w['B'].pk}/", PAGE_B, None),
    # Each API resource against its page: C's person page, timeline page and timeline API agree.
    ("people:detail", "get", lambda w: f"/personnes/{w['C'].pk}/", PAGE_C, None),
    ("careers:person-timeline", "get", lambda w: f"/parcours/personnes/{w['C'].pk}/", PAGE_C, None),
    ("api:careers-person-timeline", "get", lambda w: f"/api/v1/careers/people/{w['C'].pk}/timeline", API_C, None),
    ("api:person", "get", lambda w: f"/api/v1/people/{w['C'].pk}", API_C, None),
    ("careers:services", "get", lambda w: "/parcours/services/", PAGE_A, None),
    ("careers:service", "get", lambda w: f"/parcours/services/{w['S1'].pk}/", SERVICE_S1, None),
    ("careers:service", "get", lambda w: f"/parcours/services/{w['S2'].pk}/", PAGE_B, None),
    ("api:careers-person-timeline", "get", lambda w: f"/api/v1/careers/people/{w['A'].pk}/timeline", API_A, None),
    ("api:careers-person-timeline", "get", lambda w: f"/api/v1/careers/people/{w['B'].pk}/timeline", API_B, None),
    ("api:careers-service-rotations", "get", lambda w: f"/api/v1/careers/services/{w['S1'].pk}/rotations",
     API_S1, None),
    ("api:careers-service-rotations", "get", lambda w: f"/api/v1/careers/services/{w['S2'].pk}/rotations",
     API_B, None),
    # Writes last.
    ("careers:rotation-validation", "post", lambda w: f"/parcours/stages/{w['rot_A:page'].pk}/validation/",
     VALIDATE_A, {"attendance": "on", "knowledge": "on", "practical_skills": "on", "conduct": "on"}),
    ("careers:rotation-validation", "post", lambda w: f"/parcours/stages/{w['rot_B:page'].pk}/validation/",
     VALIDATE_B, {"comment": "Absences"}),
    # A rotation still to evaluate has no evaluation to correct: 403 to whoever sees it (issue 25 item 2).
    ("careers:rotation-correction", "post", lambda w: f"/parcours/stages/{w['rot_A:page'].pk}/correction/",
     expect(set(), None, 403, anonymous=302), {"reason": "x"}),
    ("api:careers-rotation-validation", "post_json",
     lambda w: f"/api/v1/careers/rotations/{w['rot_A:api'].pk}/validation", API_VALIDATE_A, CRITERIA),
    ("api:careers-rotation-validation", "post_json",
     lambda w: f"/api/v1/careers/rotations/{w['rot_B:api'].pk}/validation", API_VALIDATE_B, CRITERIA),
    ("careers:rotation-certificate", "post", lambda w: f"/parcours/stages/{w['rot_A:done'].pk}/certificat/",
     ISSUE_A, LANG),
    ("careers:rotation-certificate", "post", lambda w: f"/parcours/stages/{w['rot_B:done'].pk}/certificat/",
     ISSUE_B, LANG),
    ("careers:title-attestation", "post", lambda w: f"/parcours/statuts/{w['rot_A:status'].pk}/attestation-titre/",
     ISSUE_A, LANG),
    ("careers:title-attestation", "post", lambda w: f"/parcours/statuts/{w['rot_B:status'].pk}/attestation-titre/",
     ISSUE_B, LANG),
]
