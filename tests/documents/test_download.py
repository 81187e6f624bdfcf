import pytest
from django.test import Client

from residanat.accounts.roles import Role
from residanat.documents import pdf
from residanat.people.attestations import STATUS_ATTESTATION, issue_status_attestation
from tests.accounts.factories import user_with_role
from tests.documents.helpers import trainee_with_two_statuses
from tests.referential.factories import FacultyFactory

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]


@pytest.fixture
def document():
    return issue_status_attestation(trainee_with_two_statuses(), "fr")


def download_url(document):
    return f"/documents/{document.pk}/telecharger/"


def body(response):
    return b"".join(response.streaming_content)


def test_the_subject_downloads_their_own_document_with_their_trainee_account(document):
    trainee = user_with_role(Role.TRAINEE)
    document.person.user = trainee
    document.person.save()
    client = Client()
    client.force_login(trainee)
    response = client.get(download_url(document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'{document.number}.pdf' in response["Content-Disposition"]
    with document.file.open("rb") as f:
        assert body(response) == f.read()


def test_another_trainee_gets_404(document):
    client = Client()
    client.force_login(user_with_role(Role.TRAINEE))
    assert client.get(download_url(document)).status_code == 404


def test_dean_office_of_another_faculty_gets_404(document, verified_client):
    dean = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=FacultyFactory()))
    assert dean.get(download_url(document)).status_code == 404


def test_dean_office_of_the_person_faculty_downloads(document, verified_client):
    faculty = document.person.statuses.first().faculty
    dean = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=faculty))
    assert dean.get(download_url(document)).status_code == 200


def test_the_issuer_downloads_what_they_issued_even_outside_their_scope(verified_client):
    """A dean's office still holding its role reads the attestation it issued for a person who has
    since left the faculty (decision 0021: the issuer reads while they hold one of the kind's roles)."""
    issuer = user_with_role(Role.DEAN_OFFICE, faculty=FacultyFactory())
    document = pdf.issue_pdf(template="documents/pdf_base.html", facts={}, kind=STATUS_ATTESTATION,
                             title="Essai", language="fr", person=trainee_with_two_statuses(), issued_by=issuer)
    assert verified_client(issuer).get(download_url(document)).status_code == 200


def test_an_unregistered_kind_is_read_by_its_person_only(verified_client):
    issuer = user_with_role(Role.MINISTRY_ADMIN)
    document = pdf.issue_pdf(template="documents/pdf_base.html", facts={}, kind="test", title="Essai",
                             language="fr", issued_by=issuer)
    assert verified_client(issuer).get(download_url(document)).status_code == 404


def test_anonymous_visitors_are_sent_to_login(document):
    response = Client().get(download_url(document))
    assert response.status_code == 302
    assert "/compte/connexion/" in response["Location"]


def test_an_unknown_document_is_404_for_everyone(verified_client):
    admin = verified_client(user_with_role(Role.MINISTRY_ADMIN))
    assert admin.get("/documents/999999/telecharger/").status_code == 404
