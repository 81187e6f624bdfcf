"""Access-matrix rows for the document register: one issued document of every registered kind, and
who downloads it (`/documents/<id>/telecharger/`); see test_access_matrix.py and decision 0021.

A document of a kind about a person is about A (intern of F1/CHU1 in S1, the trainee's account),
whose rows the other modules build: a disciplinary case and a commitment (cases_discipline), a
candidacy to the competition of F1/CHU1 (cases_competitions), a place in the deployment
(cases_deployment), lines of the Ministry's closed payroll run (cases_payroll_runs). A kind about
nobody (a list, a report, a run summary) has no person. Every document is issued by the superuser,
so no role of the matrix reads it as its issuer. The person concerned always reads their own;
everyone else 404 (a document one may not read does not exist), anonymous visitors go to the login.
"""

from django.core.files.base import ContentFile

from residanat.accounts.roles import Role
from residanat.documents import kinds
from residanat.documents.models import IssuedDocument
from tests.web.matrix import LOGGED_IN, STAFF, expect

NATIONAL_STAFF = {"superuser", Role.MINISTRY_ADMIN, Role.HIGHER_EDUCATION_OFFICER, Role.PAYROLL_OFFICER}
# Those who manage A's file (may change the person: people/queries, accounts/roles.EDITOR_ROLES).
MANAGE_A = {"superuser", Role.MINISTRY_ADMIN, Role.DEAN_OFFICE, Role.HOSPITAL_DIRECTOR_OFFICE, Role.TRAINEE}
# The payroll's readers (payroll/authority.READERS) on the lines of the runs they see: A is paid by
# the Ministry's run, national; the director of CHU1 sees CHU1's runs only.
PAYSLIP_A = {"superuser", Role.MINISTRY_ADMIN, Role.PAYROLL_OFFICER, Role.TRAINEE}
# The disciplinary case's readers (discipline/models.CASE_READERS): not the payroll, not the committee.
CASE_A = {"superuser", Role.MINISTRY_ADMIN, Role.HIGHER_EDUCATION_OFFICER, Role.DEAN_OFFICE,
          Role.HOSPITAL_DIRECTOR_OFFICE, Role.HEAD_OF_SERVICE, Role.TRAINEE}
# The commitment's readers (discipline/models.COMMITMENT_READERS): not the head of service, not the committee.
COMMITMENT_A = {"superuser", Role.MINISTRY_ADMIN, Role.HIGHER_EDUCATION_OFFICER, Role.DEAN_OFFICE,
                Role.HOSPITAL_DIRECTOR_OFFICE, Role.PAYROLL_OFFICER, Role.TRAINEE}
# The competition's office (concours/models.COMPETITION_EDITOR_ROLES) of A's candidacy in F1, and A.
COMPETITION_OFFICE_A = {"superuser", Role.MINISTRY_ADMIN, Role.DEAN_OFFICE, Role.TRAINEE}
# Every reader of A's candidacy (Candidate.objects.visible_to: the competition's faculty and CHU).
CANDIDACY_A = NATIONAL_STAFF | {Role.DEAN_OFFICE, Role.HOSPITAL_DIRECTOR_OFFICE, Role.COMMITTEE_MEMBER,
                                Role.TRAINEE}
# The deployment's readers of a specialist (deployment/models.CANDIDATE_READERS).
DEPLOYED_A = {"superuser", Role.MINISTRY_ADMIN, Role.HIGHER_EDUCATION_OFFICER, Role.DEAN_OFFICE,
              Role.HOSPITAL_DIRECTOR_OFFICE, Role.TRAINEE}

# kind → who downloads its document (200); every registered kind has a row (test_every_kind_...).
READERS = {
    "status_attestation": MANAGE_A,
    "rotation_certificate": MANAGE_A,
    "former_intern_attestation": MANAGE_A,
    "former_ph_intern_attestation": MANAGE_A,
    "former_resident_attestation": MANAGE_A,
    "payslip": PAYSLIP_A,
    # About a payer: the payroll's national readers (the director of CHU1 is not national).
    "payroll_run_summary": {"superuser", Role.MINISTRY_ADMIN, Role.PAYROLL_OFFICER},
    "commitment_statement": COMMITMENT_A,
    "discipline_convocation": CASE_A,
    "discipline_decision": CASE_A,
    "registration_receipt": COMPETITION_OFFICE_A,
    "result_slip": CANDIDACY_A,
    "assignment_notice": COMPETITION_OFFICE_A,
    # About no one person: the national staff who see every competition.
    "choice_results": NATIONAL_STAFF,
    "deployment_posting": DEPLOYED_A,
    # Figures, not personal: every staff role; the communiqué is published to anyone.
    "deployment_report": STAFF,
    "deployment_communique": LOGGED_IN,
}


def _key(kind):
    return f"register_{kind}"


def build(world):
    documents = {}
    for kind, readers in kinds.registered().items():
        person = world["A"] if readers.through is not None else None
        documents[_key(kind)] = IssuedDocument.objects.create(
            number=f"MX-{kind}"[:32], kind=kind, title=str(kinds.label(kind)), language="fr", person=person,
            issued_by=world["admin"], content_hash="0" * 64, file_sha256="0" * 64, size=9,
            file=ContentFile(b"%PDF-1.4\n", name=f"{kind}.pdf"))
    return documents


def _download(kind):
    return lambda w: f"/documents/{w[_key(kind)].pk}/telecharger/"


CASES = [("documents:download", "get", _download(kind), expect(readers, 200, 404, anonymous=302), None)
         for kind, readers in READERS.items()]
