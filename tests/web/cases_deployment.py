"""Access-matrix rows for the deployment pages; see test_access_matrix.py.

A campaign (wishes open) whose figures every staff role reads (not personal) and whose public
communiqué anyone reads; the trainee (A) reads only their own candidacy. Specialists: A's
candidacy (residency at F1/CHU1) and B's (F2/CHU2). Readers of a candidacy (CANDIDATE_READERS
within their scope): the Ministry, the higher-education officer, the dean of F1, the director of
CHU1, and A; the payroll officer, the head of service and the committee member have no part
(404). Everything that changes the campaign is the Ministry's (403 to the other staff)."""

import datetime as dt

from residanat.accounts.roles import Role
from residanat.deployment.models import Assignment, Campaign, Candidate, Couple, DeploymentPost, Run
from residanat.referential.models import HealthDelegation
from tests.referential.factories import EstablishmentFactory, SpecialtyFactory
from tests.web.matrix import ALL, LOGGED_IN, STAFF, expect

MINISTRY = {"superuser", Role.MINISTRY_ADMIN}
READERS_A = {"superuser", Role.MINISTRY_ADMIN, Role.HIGHER_EDUCATION_OFFICER, Role.DEAN_OFFICE,
             Role.HOSPITAL_DIRECTOR_OFFICE, Role.TRAINEE}
READERS_B = {"superuser", Role.MINISTRY_ADMIN, Role.HIGHER_EDUCATION_OFFICER}
# Who sees A's couple (through A's candidacy), among the staff.
SEES_COUPLE = READERS_A - {Role.TRAINEE}


def build(world):
    admin = world["admin"]
    establishment = EstablishmentFactory(hospital_centre=None, kind="provincial_hospital")
    delegation = HealthDelegation.objects.create(province=establishment.province, name_fr="Délégation T", name_ar="م")
    specialty = SpecialtyFactory()
    campaign = Campaign.objects.create(year=2026, state=Campaign.State.WISHES, wishes_deadline=dt.date(2026, 1, 1),
                                       taking_up_date=dt.date(2026, 2, 1))
    post = DeploymentPost.objects.create(campaign=campaign, delegation=delegation, establishment=establishment,
                                         specialty=specialty, cohort=2024, purpose="reinforcement", seats=2)
    statuses = {key: world[key].statuses.order_by("pk")[0] for key in ("A", "B")}
    cand = {key: Candidate.objects.create(campaign=campaign, person=world[key], kind="new_specialist",
                                          specialty=specialty, cohort=2024, status=statuses[key], rank=rank)
            for rank, key in ((1, "A"), (2, "B"))}
    partner = Candidate.objects.create(campaign=campaign, person=world["B"].__class__.objects.create(
        last_name="Partner", first_name="P", national_id="ZZ999999"), kind="transfer", specialty=specialty, rank=3,
        status=statuses["A"])
    couple = Couple.objects.create(campaign=campaign, first=cand["A"], second=partner, recorded_by=admin)
    run = Run.objects.create(campaign=campaign, kind="what_if", method="serial-dictatorship", solver_status="x",
                             instance_digest="0" * 64, created_by=admin)
    # An earlier campaign, final, where A and B were posted: their posting decisions exist.
    before = Campaign.objects.create(year=2025, state=Campaign.State.FINAL, taking_up_date=dt.date(2025, 2, 1))
    before_post = DeploymentPost.objects.create(campaign=before, delegation=delegation, establishment=establishment,
                                                specialty=specialty, cohort=2023, seats=2)
    final = Run.objects.create(campaign=before, kind="final", method="serial-dictatorship", solver_status="x",
                               instance_digest="1" * 64, created_by=admin)
    posted = {}
    for rank, key in ((1, "A"), (2, "B")):
        c = Candidate.objects.create(campaign=before, person=world[key], kind="new_specialist", specialty=specialty,
                                     cohort=2023, status=statuses[key], rank=rank)
        Assignment.objects.create(run=final, candidate=c, post=before_post, wish_order=1)
        posted[f"posted_{key}"] = c
    return {"campaign": campaign, "dep_post": post, "dep_cand_A": cand["A"], "dep_cand_B": cand["B"], "couple_A": couple,
            "dep_run": run, **posted}


def _staff(yes=200):
    return expect(STAFF, yes, 403, anonymous=302)


CASES = [
    ("deployment:index", "get", lambda w: "/deploiement/", expect(LOGGED_IN, 200, None, anonymous=302), None),
    ("deployment:campaign", "get", lambda w: "/deploiement/2026/", _staff(), None),
    ("deployment:campaign-new", "post", lambda w: "/deploiement/nouvelle/", expect(MINISTRY, 302, 403, anonymous=302),
     {"year": "2031", "announced_total": "10"}),
    ("deployment:posts", "get", lambda w: "/deploiement/2026/postes/", _staff(), None),
    ("deployment:posts-import", "get", lambda w: "/deploiement/2026/postes/import/",
     expect(MINISTRY, 200, 403, anonymous=302), None),
    ("deployment:candidates", "get", lambda w: "/deploiement/2026/specialistes/", _staff(), None),
    ("deployment:candidates-import", "get", lambda w: "/deploiement/2026/specialistes/import/",
     expect(MINISTRY, 200, 403, anonymous=302), None),
    ("deployment:run", "get", lambda w: f"/deploiement/2026/repartitions/{w['dep_run'].pk}/", _staff(), None),
    ("deployment:report-xlsx", "get", lambda w: "/deploiement/2026/tableaux.xlsx", _staff(), None),
    ("deployment:report-pdf", "get", lambda w: "/deploiement/2026/tableaux-ar.pdf", _staff(), None),
    ("deployment:communique", "get", lambda w: "/deploiement/2026/communique/", expect(ALL, 200, None), None),
    ("deployment:communique-pdf", "get", lambda w: "/deploiement/2026/communique-fr.pdf", expect(ALL, 200, None), None),
    ("deployment:candidate", "get", lambda w: f"/deploiement/specialiste/{w['dep_cand_A'].pk}/",
     expect(READERS_A, 200, 404, anonymous=302), None),
    ("deployment:candidate", "get", lambda w: f"/deploiement/specialiste/{w['dep_cand_B'].pk}/",
     expect(READERS_B, 200, 404, anonymous=302), None),
    ("deployment:notice", "get", lambda w: f"/deploiement/specialiste/{w['posted_A'].pk}/decision-ar.pdf",
     expect(READERS_A, 200, 404, anonymous=302), None),
    ("deployment:notice", "get", lambda w: f"/deploiement/specialiste/{w['posted_B'].pk}/decision-fr.pdf",
     expect(READERS_B, 200, 404, anonymous=302), None),
    # A run: the Ministry's (redirect to it); other staff 403; the trainee is not staff (403).
    ("deployment:action", "post", lambda w: "/deploiement/2026/actions/simulation/",
     expect(MINISTRY, 302, 403, anonymous=302), None),
    ("deployment:couple-remove", "post", lambda w: f"/deploiement/2026/couples/{w['couple_A'].pk}/retirer/",
     expect(MINISTRY, 302, 403, anonymous=302, scope=SEES_COUPLE | {Role.TRAINEE}), None),
]

CASES += [
    ("api:deployment-campaign", "get", lambda w: "/api/v1/deployment/campaigns/2026",
     expect(STAFF, 200, 403, anonymous=401), None),
    ("api:deployment-specialists", "get", lambda w: "/api/v1/deployment/campaigns/2026/specialists",
     expect(LOGGED_IN, 200, None, anonymous=401), None),
    ("api:deployment-specialist", "get", lambda w: f"/api/v1/deployment/specialists/{w['dep_cand_A'].pk}",
     expect(READERS_A, 200, 404, anonymous=401), None),
    ("api:deployment-specialist", "get", lambda w: f"/api/v1/deployment/specialists/{w['dep_cand_B'].pk}",
     expect(READERS_B, 200, 404, anonymous=401), None),
]
