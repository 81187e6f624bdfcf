"""Access-matrix rows for the disciplinary case pages; see test_access_matrix.py.

A case for A (intern of F1/CHU1, service S1; the file not yet opened to them) and one for B
(F2/CHU2). Readers (DisciplinaryCase.CASE_READERS within their scope): the Ministry, the
higher-education officer, the dean of F1, the director of CHU1, the head of S1, and A for their
own; the payroll officer and the committee member have no part in the procedure (404: the case
does not exist for them). Opening a case: the Ministry, the dean and the director (D93); others
403 where they see the status, 404 where they do not. A step answers 302 to those who take it; a
reader who may not take it gets the case page again with the refusal and the form as typed (400),
the case unchanged."""

from residanat.accounts.roles import Role
import datetime as dt

from django.core.files.base import ContentFile

from residanat.discipline.models import CaseDocument, Commitment, DisciplinaryCase
from tests.web.matrix import LOGGED_IN, expect

READERS_A = {"superuser", Role.MINISTRY_ADMIN, Role.HIGHER_EDUCATION_OFFICER, Role.DEAN_OFFICE,
             Role.HOSPITAL_DIRECTOR_OFFICE, Role.HEAD_OF_SERVICE, Role.TRAINEE}
READERS_B = {"superuser", Role.MINISTRY_ADMIN, Role.HIGHER_EDUCATION_OFFICER}
OPENERS_A = {"superuser", Role.MINISTRY_ADMIN, Role.DEAN_OFFICE, Role.HOSPITAL_DIRECTOR_OFFICE}
# Who sees the statuses (TraineeStatus.objects.visible_to): A's, every role of the matrix (national,
# F1, CHU1, S1, and A themselves); B's, the national roles.
SEES_STATUS_A = LOGGED_IN
SEES_STATUS_B = {"superuser", Role.MINISTRY_ADMIN, Role.HIGHER_EDUCATION_OFFICER, Role.PAYROLL_OFFICER}


COMMITMENT_READERS_A = {"superuser", Role.MINISTRY_ADMIN, Role.HIGHER_EDUCATION_OFFICER, Role.DEAN_OFFICE,
                        Role.HOSPITAL_DIRECTOR_OFFICE, Role.PAYROLL_OFFICER, Role.TRAINEE}
COMMITMENT_READERS_B = {"superuser", Role.MINISTRY_ADMIN, Role.HIGHER_EDUCATION_OFFICER, Role.PAYROLL_OFFICER}


def build(world):
    admin = world["admin"]
    a_status, b_status = world["A"].statuses.order_by("pk")[0], world["B"].statuses.order_by("pk")[0]
    case_a = DisciplinaryCase.objects.create(status=a_status, regime="D93", facts="Faits A", opened_by=admin)
    case_b = DisciplinaryCase.objects.create(status=b_status, regime="D93", facts="Faits B", opened_by=admin)
    commitments = {key: Commitment.objects.create(status=status, counterpart="ministry", signed_on=dt.date(2026, 1, 1),
                                                  recorded_by=admin)
                   for key, status in (("commitment_A", a_status), ("commitment_B", b_status))}
    pieces = {key: CaseDocument.objects.create(case=case, file=ContentFile(b"%PDF-1.4\n", name="piece.pdf"),
                                               original_name="piece.pdf", content_type="application/pdf", size=9,
                                               sha256="0" * 64, added_by=admin)
              for key, case in (("piece_A", case_a), ("piece_B", case_b))}
    return {"case_A": case_a, "case_B": case_b, "status_A": a_status, "status_B": b_status, **commitments, **pieces}


def _page(readers, yes=200):
    return expect(readers, yes, 404, anonymous=302)


CASES = [
    ("discipline:index", "get", lambda w: "/discipline/", expect(LOGGED_IN, 200, None, anonymous=302), None),
    ("discipline:open", "get", lambda w: f"/discipline/ouvrir/{w['status_A'].pk}/",
     expect(OPENERS_A, 200, 403, anonymous=302, scope=SEES_STATUS_A), None),
    ("discipline:open", "get", lambda w: f"/discipline/ouvrir/{w['status_B'].pk}/",
     expect({"superuser", Role.MINISTRY_ADMIN}, 200, 403, anonymous=302, scope=SEES_STATUS_B), None),
    ("discipline:case", "get", lambda w: f"/discipline/{w['case_A'].pk}/", _page(READERS_A), None),
    ("discipline:case", "get", lambda w: f"/discipline/{w['case_B'].pk}/", _page(READERS_B), None),
    ("discipline:step", "post", lambda w: f"/discipline/{w['case_A'].pk}/etapes/explanation/",
     expect(OPENERS_A, 302, 400, anonymous=302, scope=READERS_A), {"on": "2026-03-02"}),
    ("discipline:step", "post", lambda w: f"/discipline/{w['case_B'].pk}/etapes/explanation/",
     expect({"superuser", Role.MINISTRY_ADMIN}, 302, 400, anonymous=302, scope=READERS_B), {"on": "2026-03-02"}),
    # No hearing set: the convocation is not available yet (409) to those who read the case.
    ("discipline:letter", "get", lambda w: f"/discipline/{w['case_A'].pk}/lettres/convocation.pdf",
     _page(READERS_A, 409), None),
    ("discipline:letter", "get", lambda w: f"/discipline/{w['case_B'].pk}/lettres/decision.pdf?lang=ar",
     _page(READERS_B, 409), None),
    ("discipline:commitments", "get", lambda w: "/discipline/engagements/", expect(LOGGED_IN, 200, None, anonymous=302),
     None),
    # A's status is an intern's: only a resident signs the commitment (D93 art. 27), so 403 to all
    # who see it (the Ministry's 200 on a resident is in tests/discipline/test_commitment_pages.py).
    ("discipline:commitment-new", "get", lambda w: f"/discipline/engagements/nouveau/{w['status_A'].pk}/",
     expect(set(), 200, 403, anonymous=302, scope=SEES_STATUS_A), None),
    ("discipline:commitment", "get", lambda w: f"/discipline/engagements/{w['commitment_A'].pk}/",
     _page(COMMITMENT_READERS_A), None),
    ("discipline:commitment", "get", lambda w: f"/discipline/engagements/{w['commitment_B'].pk}/",
     _page(COMMITMENT_READERS_B), None),
    # No establishment named: refused with a message, the page coming back with what was typed (400),
    # to those who read it.
    ("discipline:commitment-action", "post", lambda w: f"/discipline/engagements/{w['commitment_A'].pk}/service/",
     _page(COMMITMENT_READERS_A, 400), {"on": "2030-01-01"}),
    ("discipline:commitment-action", "post", lambda w: f"/discipline/engagements/{w['commitment_B'].pk}/service/",
     _page(COMMITMENT_READERS_B, 400), {"on": "2030-01-01"}),
    ("discipline:commitment-statement", "get", lambda w: f"/discipline/engagements/{w['commitment_A'].pk}/releve.pdf",
     _page(COMMITMENT_READERS_A), None),
    ("discipline:commitment-statement", "get",
     lambda w: f"/discipline/engagements/{w['commitment_B'].pk}/releve.pdf?lang=ar", _page(COMMITMENT_READERS_B), None),
    # A piece: its readers; A's file is not opened to A yet, so A gets 404 for it.
    ("discipline:document", "get", lambda w: f"/discipline/{w['case_A'].pk}/pieces/{w['piece_A'].pk}/",
     _page(READERS_A - {Role.TRAINEE}), None),
    ("discipline:document", "get", lambda w: f"/discipline/{w['case_B'].pk}/pieces/{w['piece_B'].pk}/",
     _page(READERS_B), None),
    # No file sent: refused with a message (302) to the readers.
    ("discipline:document-add", "post", lambda w: f"/discipline/{w['case_A'].pk}/pieces/", _page(READERS_A, 302), None),
    ("discipline:document-add", "post", lambda w: f"/discipline/{w['case_B'].pk}/pieces/", _page(READERS_B, 302), None),
    ("discipline:nominations", "get", lambda w: "/discipline/commission/",
     expect({"superuser", Role.MINISTRY_ADMIN, Role.DEAN_OFFICE}, 200, 403, anonymous=302), None),
    ("api:discipline-cases", "get", lambda w: "/api/v1/discipline/cases", expect(LOGGED_IN, 200, None, anonymous=401),
     None),
    ("api:discipline-case", "get", lambda w: f"/api/v1/discipline/cases/{w['case_A'].pk}",
     expect(READERS_A, 200, 404, anonymous=401), None),
    ("api:discipline-case", "get", lambda w: f"/api/v1/discipline/cases/{w['case_B'].pk}",
     expect(READERS_B, 200, 404, anonymous=401), None),
    ("api:discipline-commitment", "get", lambda w: f"/api/v1/discipline/commitments/{w['commitment_A'].pk}",
     expect(COMMITMENT_READERS_A, 200, 404, anonymous=401), None),
    ("api:discipline-commitment", "get", lambda w: f"/api/v1/discipline/commitments/{w['commitment_B'].pk}",
     expect(COMMITMENT_READERS_B, 200, 404, anonymous=401), None),
]
