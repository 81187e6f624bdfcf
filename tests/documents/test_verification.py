import re
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import translation

from residanat.documents import pdf, verification
from residanat.people.attestations import issue_status_attestation
from residanat.documents.verification import Reason
from tests.documents.helpers import trainee_with_two_statuses
from tests.web.answers import observed

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]


@pytest.fixture
def document():
    return issue_status_attestation(trainee_with_two_statuses(first_name="Yasmine", last_name="Bennani"), "fr")


def issued_bytes(document):
    with document.file.open("rb") as f:
        return f.read()


def test_the_right_number_and_hash_are_valid(document):
    verdict = verification.verify_hash(document.number, document.content_hash)
    assert verdict.valid and verdict.document == document


def test_a_hash_typed_in_capitals_with_spaces_is_still_valid(document):
    typed = " ".join(document.content_hash[i:i + 8].upper() for i in range(0, 64, 8))
    assert verification.verify_hash(document.number.lower(), typed).valid


def test_a_wrong_hash_is_not_valid(document):
    wrong = ("0" if document.content_hash[0] != "0" else "1") + document.content_hash[1:]
    assert verification.verify_hash(document.number, wrong).reason == Reason.HASH_MISMATCH


def test_an_unknown_number_is_not_valid(document):
    assert verification.verify_hash("RSD-1999-999999", document.content_hash).reason == Reason.UNKNOWN_NUMBER


def test_the_issued_file_is_valid(document):
    upload = SimpleUploadedFile("copie.pdf", issued_bytes(document), content_type="application/pdf")
    assert verification.verify_file(document.number, upload).valid


def test_a_file_with_one_byte_changed_is_not_valid(document):
    data = bytearray(issued_bytes(document))
    data[len(data) // 2] ^= 0x01
    upload = SimpleUploadedFile("copie.pdf", bytes(data), content_type="application/pdf")
    assert verification.verify_file(document.number, upload).reason == Reason.FILE_MISMATCH


def test_the_issued_file_checked_under_another_number_is_not_valid(document):
    other = issue_status_attestation(document.person, "ar")
    assert verification.verify_file(other.number, issued_bytes(document)).reason == Reason.FILE_MISMATCH


def test_verify_page_answers_in_french_under_documents_verifier():
    response = Client().get("/documents/verifier/")
    assert response.status_code == 200
    assert 'dir="ltr"' in response.text
    assert 'name="number"' in response.text


def test_verify_page_answers_right_to_left_under_ar_documents_verifier():
    response = Client().get("/ar/documents/verifier/")
    assert response.status_code == 200
    assert 'lang="ar"' in response.text and 'dir="rtl"' in response.text


def test_the_qr_code_link_shows_the_valid_result_directly_without_personal_data(document):
    url = pdf.verification_url(document.number, document.content_hash)
    parts = urlsplit(url)
    response = Client().get(f"{parts.path}?{parts.query}")
    assert response.status_code == 200
    assert 'data-valid="true"' in response.text
    assert document.title in response.text and document.number in response.text
    for personal in ("Yasmine", "Bennani", "BENNANI", "العلوي", "سلمى", "•"):
        assert personal not in response.text


def test_the_arabic_document_qr_code_leads_to_the_arabic_verify_page():
    document = issue_status_attestation(trainee_with_two_statuses(), "ar")
    with translation.override("ar"):
        url = pdf.verification_url(document.number, document.content_hash)
    assert urlsplit(url).path == "/ar/documents/verifier/"


def test_the_verify_page_says_not_valid_for_a_wrong_hash(document):
    response = Client().get("/documents/verifier/", {"number": document.number, "hash": "f" * 64})
    assert 'data-valid="false"' in response.text
    assert document.title not in response.text


def test_uploading_the_issued_file_on_the_verify_page_is_valid(document):
    upload = SimpleUploadedFile("copie.pdf", issued_bytes(document), content_type="application/pdf")
    response = Client().post("/ar/documents/verifier/", {"number": document.number, "file": upload})
    assert response.status_code == 200
    assert 'data-valid="true"' in response.text


def test_uploading_a_modified_file_on_the_verify_page_is_not_valid(document):
    data = bytearray(issued_bytes(document))
    data[-10] ^= 0xFF
    upload = SimpleUploadedFile("copie.pdf", bytes(data), content_type="application/pdf")
    response = Client().post("/documents/verifier/", {"number": document.number, "file": upload})
    assert 'data-valid="false"' in response.text


def test_a_number_alone_asks_for_the_hash_or_the_file_instead_of_answering(document):
    response = Client().get("/documents/verifier/", {"number": document.number})
    assert "data-valid" not in response.text
    assert 'class="errorlist' in response.text


# --- what an anonymous visitor learns (issue 20 item 4) ---------------------------------------------

VERDICT = re.compile(r'<section class="panel verdict".*?</section>', re.S)


def verdict_of(response):
    """Status, templates and the verdict block: the form below keeps the number typed."""
    return observed(response, VERDICT.search(response.text).group(0))


def test_an_unknown_number_and_a_known_number_with_a_wrong_hash_get_the_same_answer(document):
    wrong = "f" * 64
    unknown = Client().get("/documents/verifier/", {"number": "RSD-1999-999999", "hash": wrong})
    known = Client().get("/documents/verifier/", {"number": document.number, "hash": wrong})
    assert verdict_of(unknown) == verdict_of(known)
    assert 'data-valid="false"' in known.text


def test_an_unknown_number_and_a_known_number_with_another_file_get_the_same_answer(document):
    def upload():
        return SimpleUploadedFile("copie.pdf", b"%PDF-1.4 autre chose", content_type="application/pdf")

    unknown = Client().post("/ar/documents/verifier/", {"number": "RSD-1999-999999", "file": upload()})
    known = Client().post("/ar/documents/verifier/", {"number": document.number, "file": upload()})
    assert verdict_of(unknown) == verdict_of(known)


@override_settings(RESIDANAT_VERIFICATION_RATE="3/h")
def test_the_verification_after_the_limit_from_one_address_gets_429_and_another_address_does_not(document):
    asked = {"number": document.number, "hash": document.content_hash}
    same = "203.0.113.20"
    for _ in range(3):
        assert Client(REMOTE_ADDR=same).get("/documents/verifier/", asked).status_code == 200
    # The empty form is not a verification.
    assert Client(REMOTE_ADDR=same).get("/documents/verifier/").status_code == 200

    limited = Client(REMOTE_ADDR=same).post("/documents/verifier/", asked)
    assert limited.status_code == 429
    assert "data-valid" not in limited.text
    assert 'data-valid="true"' in Client(REMOTE_ADDR="203.0.113.21").get("/documents/verifier/", asked).text
