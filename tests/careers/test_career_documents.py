"""Career documents: the certificate of a validated rotation and the title attestations, refused
(with the rule and the article) until the register shows the title is earned."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from residanat.accounts.roles import Role
from residanat.careers import documents
from residanat.careers.models import Degree, Leave, ResidencyYear, Rotation
from residanat.careers.rotations import do_validate_rotation
from residanat.documents.models import IssuedDocument
from residanat.rules.service_time import add_months
from tests.accounts.factories import RoleAssignmentFactory
from tests.careers.world import CareersWorld
from tests.documents.helpers import pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]
D = dt.date
INTERN_SERVICES = ("general_medicine", "general_surgery", "paediatrics", "other")


@pytest.fixture
def w():
    return CareersWorld()


def validated(w, status, key, start, months=6):
    end = add_months(start, months) - dt.timedelta(days=1)
    rotation = Rotation.objects.create(status=status, service=w.service(key), start_date=start, end_date=end,
                                       assigned_by=w.director)
    return do_validate_rotation(rotation, by=w.head_of(key), attendance=True, knowledge=True, practical_skills=True,
                                conduct=True, today=end)


def intern_with_rotations(w, start, count=4):
    status = w.intern(start=start)
    for i, key in enumerate(INTERN_SERVICES[:count]):
        validated(w, status, key, add_months(start, 6 * i))
    return status


def assert_real_pdf(document, kind):
    assert document.file.open("rb").read(5) == b"%PDF-"
    assert IssuedDocument.objects.filter(pk=document.pk, kind=kind).exists()


# --- certificate of rotation ---------------------------------------------------------------------

def test_rotation_certificate_is_refused_for_a_rotation_not_yet_validated(w):
    status = w.intern(start=D(2025, 11, 1))
    pending = Rotation.objects.create(status=status, service=w.service("paediatrics"), start_date=D(2025, 11, 1),
                                      end_date=D(2026, 4, 30), assigned_by=w.director)
    with pytest.raises(ValidationError, match="D93 art. 17"):
        documents.do_issue_rotation_certificate(pending, by=w.dean, language="fr")
    assert not IssuedDocument.objects.exists()


def test_rotation_certificate_of_a_validated_rotation_names_the_criteria_and_the_head_of_service(w):
    status = w.intern(start=D(2025, 11, 1))
    rotation = validated(w, status, "paediatrics", D(2025, 11, 1))
    head = rotation.validated_by
    head.first_name, head.last_name = "Karim", "Bennani"
    head.save()
    document = documents.do_issue_rotation_certificate(rotation, by=w.dean, language="fr")
    assert_real_pdf(document, documents.ROTATION_CERTIFICATE)
    text = pdf_text(document.file.path)
    assert "Certificat de stage" in text and "Karim Bennani" in text
    for criterion in ("Assiduité", "Connaissances", "Aptitudes pratiques", "Comportement"):
        assert criterion in text
    assert "01/11/2025" in text and "30/04/2026" in text and w.service("paediatrics").name_fr in text


def test_rotation_certificate_in_arabic_carries_the_arabic_name(w):
    status = w.intern(start=D(2025, 11, 1))
    document = documents.do_issue_rotation_certificate(validated(w, status, "paediatrics", D(2025, 11, 1)),
                                                       by=w.dean, language="ar")
    assert document.language == "ar"
    assert "العلوي" in pdf_text(document.file.path)


def test_the_same_certificate_asked_twice_the_same_day_is_the_same_document(w):
    rotation = validated(w, w.intern(start=D(2025, 11, 1)), "paediatrics", D(2025, 11, 1))
    first = documents.do_issue_rotation_certificate(rotation, by=w.dean, language="fr")
    again = documents.do_issue_rotation_certificate(rotation, by=w.dean, language="fr")
    assert again.pk == first.pk and IssuedDocument.objects.count() == 1


def test_a_head_of_service_cannot_issue_career_documents(w):
    rotation = validated(w, w.intern(start=D(2025, 11, 1)), "paediatrics", D(2025, 11, 1))
    with pytest.raises(PermissionDenied):
        documents.do_issue_rotation_certificate(rotation, by=w.head_of("paediatrics"), language="fr")


# --- ancien interne (D93 art. 14, 15) ------------------------------------------------------------

def test_ancien_interne_is_refused_with_fewer_than_four_validated_rotations(w):
    status = intern_with_rotations(w, D(2023, 11, 1), count=2)
    with pytest.raises(ValidationError) as refused:
        documents.do_issue_title_attestation(status, by=w.dean, language="fr", today=D(2026, 1, 1))
    message = refused.value.messages[0]
    assert "2 sur 4" in message and "D93 art. 14" in message and "D93 art. 15" in message
    assert not IssuedDocument.objects.exists()


def test_ancien_interne_is_refused_before_two_years_actually_served(w):
    status = intern_with_rotations(w, D(2023, 11, 1))
    # Four rotations validated, but a 7-month sick leave pushes the two years of actual service.
    Leave.objects.create(status=status, kind=Leave.Kind.SICK, start_date=D(2024, 1, 1), end_date=D(2024, 7, 31),
                         recorded_by=w.director)
    with pytest.raises(ValidationError, match="02/06/2026"):
        documents.do_issue_title_attestation(status, by=w.dean, language="fr", today=D(2026, 6, 1))
    document = documents.do_issue_title_attestation(status, by=w.dean, language="fr", today=D(2026, 6, 2))
    assert_real_pdf(document, documents.FORMER_INTERN)


def test_ancien_interne_is_issued_after_four_validated_rotations_and_two_years(w):
    status = intern_with_rotations(w, D(2023, 11, 1))
    document = documents.do_issue_title_attestation(status, by=w.dean, language="fr", today=D(2025, 11, 1))
    assert_real_pdf(document, documents.FORMER_INTERN)
    text = pdf_text(document.file.path)
    assert "ancien interne" in text and "D93 art. 14, D93 art. 15" in text
    assert text.count("01/11/2023") >= 2  # start of the status and of the first rotation


# --- ancien interne des hôpitaux de santé publique (RD68 ch. 4) ----------------------------------

def test_ancien_interne_hsp_is_refused_before_three_years_and_issued_after(w):
    status = w.ph_intern(start=D(2023, 11, 1))
    with pytest.raises(ValidationError, match="RD68 ch. 4"):
        documents.do_issue_title_attestation(status, by=w.ministry, language="fr", today=D(2026, 10, 31))
    document = documents.do_issue_title_attestation(status, by=w.ministry, language="ar", today=D(2026, 11, 1))
    assert_real_pdf(document, documents.FORMER_PH_INTERN)
    assert document.language == "ar"


# --- ancien résident (D93 art. 23) ---------------------------------------------------------------

def resident_with_years(w, validated_years):
    status = w.resident(start=D(2021, 11, 1))
    for n in range(1, validated_years + 1):
        ResidencyYear.objects.create(status=status, number=n, start_date=D(2020 + n, 11, 1),
                                     end_date=D(2021 + n, 10, 31), outcome=ResidencyYear.Outcome.VALIDATED,
                                     reference=f"PV {n}")
    return status


def diploma(w, status):
    return Degree.objects.create(person=status.person, kind=Degree.Kind.SPECIALTY_DIPLOMA, specialty=status.specialty,
                                 awarded_on=D(2025, 11, 20), reference="DSM 2025-17", recorded_by=w.dean)


def test_ancien_resident_is_refused_while_a_residency_year_is_not_validated(w):
    status = resident_with_years(w, 1)
    years = status.specialty.residency_years(status.start_date)
    diploma(w, status)
    with pytest.raises(ValidationError, match=f"1 sur {years}"):
        documents.do_issue_title_attestation(status, by=w.dean, language="fr")


def test_ancien_resident_is_refused_without_the_specialty_diploma(w):
    status = resident_with_years(w, 5)
    with pytest.raises(ValidationError, match="D93 art. 23"):
        documents.do_issue_title_attestation(status, by=w.dean, language="fr")


def test_ancien_resident_is_issued_with_every_year_validated_and_the_diploma(w):
    status = resident_with_years(w, 5)
    diploma(w, status)
    document = documents.do_issue_title_attestation(status, by=w.dean, language="fr")
    assert_real_pdf(document, documents.FORMER_RESIDENT)
    text = pdf_text(document.file.path)
    assert "ancien résident" in text and "DSM 2025-17" in text


def test_no_title_is_attested_for_an_extern(w):
    with pytest.raises(ValidationError, match="Aucun titre"):
        documents.do_issue_title_attestation(w.extern(), by=w.dean, language="fr")


# --- from the timeline page ----------------------------------------------------------------------

def _trainee_client(w, status, client):
    user = w.trainee_user(status.person)
    RoleAssignmentFactory(user=user, role=Role.TRAINEE)
    client.force_login(user)
    return client


def test_a_trainee_issues_their_own_title_attestation_from_the_timeline(w, client):
    status = intern_with_rotations(w, timezone.localdate().replace(day=1) - dt.timedelta(days=3 * 365))
    client = _trainee_client(w, status, client)
    response = client.post(f"/parcours/statuts/{status.pk}/attestation-titre/", {"language": "ar"})
    document = IssuedDocument.objects.get(kind=documents.FORMER_INTERN)
    assert response.status_code == 302 and response.url == f"/documents/{document.pk}/telecharger/"
    assert document.language == "ar" and document.issued_by.person == status.person
    assert client.get(response.url).status_code == 200


def test_a_refused_title_attestation_comes_back_to_the_timeline_with_the_reason(w, client):
    status = intern_with_rotations(w, timezone.localdate().replace(day=1) - dt.timedelta(days=400), count=2)
    client = _trainee_client(w, status, client)
    response = client.post(f"/parcours/statuts/{status.pk}/attestation-titre/", {"language": "fr"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/parcours/personnes/{status.person.pk}/"
    assert "Titre d&#x27;ancien interne refusé" in response.content.decode()
    assert not IssuedDocument.objects.exists()


def test_certificate_from_the_timeline_for_staff_who_change_the_person_but_not_for_the_head(w, verified_client):
    rotation = validated(w, w.intern(start=D(2025, 11, 1)), "paediatrics", D(2025, 11, 1))
    url = f"/parcours/stages/{rotation.pk}/certificat/"
    # The head of paediatrics sees the rotation on their service page, not the person (decision 0020).
    assert verified_client(w.head_of("paediatrics")).post(url, {"language": "fr"}).status_code == 404
    assert verified_client(w.head_of("general_surgery")).post(url, {"language": "fr"}).status_code == 404
    response = verified_client(w.director).post(url, {"language": "fr"})
    assert response.status_code == 302
    assert IssuedDocument.objects.get().kind == documents.ROTATION_CERTIFICATE
