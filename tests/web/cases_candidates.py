"""Access-matrix rows for the candidates pages of competitions (see test_access_matrix.py).

C1 (résidanat of F1/CHU1, registration open) has cand_A (person A, who holds the trainee account);
C2 (of F2/CHU2) has cand_B. A candidacy is seen through its competition (faculty, CHU) or by its
own candidate (self); it is changed by the editors of the competition (ministry, dean of the
faculty, director of the CHU).
"""

from django.core.files.base import ContentFile

from residanat.accounts.roles import Role
from residanat.concours.models import CandidateDocument, Competition
from tests.concours.factories import CandidateFactory, CompetitionFactory
from tests.web.matrix import ALL, CHANGES_F1, CHANGES_F2, LOGGED_IN, SEES_F1, SEES_F2, expect

# A candidacy is also seen by its own candidate (cand_A is the trainee's).
SEES_CAND_A = SEES_F1 | {Role.TRAINEE}
SEES_CAND_B = SEES_F2
# The CIN of person A (people/queries.identity_readers, law 09-08): the person (trainee), whoever
# changes A's file (ministry, dean of F1, director of CHU1: A's status is there) or A's candidacy
# (ministry, dean of F1). Not the higher-education officer, the committee, payroll, the service.
READS_ID_A = {"superuser", Role.MINISTRY_ADMIN, Role.DEAN_OFFICE, Role.HOSPITAL_DIRECTOR_OFFICE, Role.TRAINEE}
READS_ID_B = {"superuser", Role.MINISTRY_ADMIN}
# The receipt is issued by the candidate and the competition's office (issue 20) only.
ISSUES_RECEIPT_A = CHANGES_F1 | {Role.TRAINEE}
ISSUES_RECEIPT_B = CHANGES_F2


def _document(candidate):
    document = CandidateDocument(candidate=candidate, kind=CandidateDocument.Kind.IDENTITY, original_name="cin.pdf",
                                 content_type="application/pdf", size=15, sha256="0" * 64)
    document.file.save("identity.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    document.save()
    return document


def build(world):
    """A document for each candidate, a candidate of each competition to withdraw, and a
    competition still in draft (its registration page does not exist)."""
    c1, c2 = world["C1"], world["C2"]
    return {
        "doc_cand_A": _document(world["cand_A"]),
        "doc_cand_B": _document(world["cand_B"]),
        "withdraw_C1": CandidateFactory(competition=c1),
        "withdraw_C2": CandidateFactory(competition=c2),
        "C_draft": CompetitionFactory(faculty=world["F1"], hospital_centre=world["CHU1"],
                                      state=Competition.State.DRAFT, slug="residanat-2026-f1-brouillon"),
    }


PAGE_C1 = expect(SEES_F1, 200, 404, anonymous=302)
PAGE_C2 = expect(SEES_F2, 200, 404, anonymous=302)

CASES = [
    # Registration is public while open (the trainee, already a candidate of C1, is told so), and
    # does not exist for a competition that is not open, whoever asks.
    ("concours:register", "get", lambda w: f"/concours/{w['C1'].slug}/inscription/", expect(ALL, 200, None),
     None),
    ("concours:register", "get", lambda w: f"/concours/{w['C_draft'].slug}/inscription/",
     expect(set(), None, 404), None),
    ("concours:my_candidacies", "get", lambda w: "/concours/mes-candidatures/", expect(LOGGED_IN, 200, None, 302),
     None),
    ("concours:receipt", "get", lambda w: f"/concours/candidatures/{w['cand_A'].pk}/recu.pdf",
     expect(ISSUES_RECEIPT_A, 200, 404, anonymous=302), None),
    ("concours:receipt", "get", lambda w: f"/concours/candidatures/{w['cand_B'].pk}/recu.pdf",
     expect(ISSUES_RECEIPT_B, 200, 404, anonymous=302), None),
    ("concours:candidates", "get", lambda w: f"/concours/{w['C1'].slug}/candidats/", PAGE_C1, None),
    ("concours:candidates", "get", lambda w: f"/concours/{w['C2'].slug}/candidats/", PAGE_C2, None),
    ("concours:candidates_export", "get", lambda w: f"/concours/{w['C1'].slug}/candidats/export.xlsx", PAGE_C1, None),
    ("concours:candidates_export", "get", lambda w: f"/concours/{w['C2'].slug}/candidats/export.xlsx", PAGE_C2, None),
    ("concours:candidates_template", "get", lambda w: f"/concours/{w['C1'].slug}/candidats/modele.xlsx", PAGE_C1,
     None),
    ("concours:candidates_import", "get", lambda w: f"/concours/{w['C1'].slug}/candidats/import/",
     expect(CHANGES_F1, 200, 403, anonymous=302, scope=SEES_F1), None),
    ("concours:candidates_import", "get", lambda w: f"/concours/{w['C2'].slug}/candidats/import/",
     expect(CHANGES_F2, 200, 403, anonymous=302, scope=SEES_F2), None),
    ("concours:candidate", "get", lambda w: f"/concours/candidats/{w['cand_A'].pk}/",
     expect(SEES_CAND_A, 200, 404, anonymous=302), None),
    ("concours:candidate", "get", lambda w: f"/concours/candidats/{w['cand_B'].pk}/",
     expect(SEES_CAND_B, 200, 404, anonymous=302), None),
    ("concours:candidate_document", "get",
     lambda w: f"/concours/candidats/{w['cand_A'].pk}/pieces/{w['doc_cand_A'].pk}/",
     expect(READS_ID_A, 200, 404, anonymous=302), None),
    ("concours:candidate_document", "get",
     lambda w: f"/concours/candidats/{w['cand_B'].pk}/pieces/{w['doc_cand_B'].pk}/",
     expect(READS_ID_B, 200, 404, anonymous=302), None),
    ("concours:candidate_withdraw", "post", lambda w: f"/concours/candidats/{w['withdraw_C1'].pk}/desistement/",
     expect(CHANGES_F1, 302, 403, anonymous=302, scope=SEES_F1), {"reason": "Lettre du candidat"}),
    ("concours:candidate_withdraw", "post", lambda w: f"/concours/candidats/{w['withdraw_C2'].pk}/desistement/",
     expect(CHANGES_F2, 302, 403, anonymous=302, scope=SEES_F2), {"reason": "Lettre du candidat"}),
]
