"""One way to send an issued PDF and one rule for the language a document is issued in (issue 21
item 4)."""

import pytest
from django.test import RequestFactory
from django.utils import translation

from residanat.people.attestations import issue_status_attestation
from residanat.documents.http import document_language, issued_pdf_response
from tests.documents.helpers import files_opened, trainee_with_two_statuses


@pytest.fixture
def document(db):
    return issue_status_attestation(trainee_with_two_statuses(), "fr")


@pytest.mark.pdf
def test_an_issued_pdf_shown_in_the_browser_is_read_and_its_file_closed_before_the_answer(document):
    with files_opened() as opened:
        response = issued_pdf_response(document, inline=True)
    assert opened and all(f.closed for f in opened)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{document.number}.pdf"'
    assert "no-store" in response["Cache-Control"]
    with document.file.open("rb") as stored:
        assert response.content == stored.read()


@pytest.mark.pdf
def test_a_streamed_issued_pdf_closes_its_file_when_the_response_is_closed(document):
    with files_opened() as opened:
        response = issued_pdf_response(document, stream=True, filename="attestation.pdf")
    assert opened and not any(f.closed for f in opened)  # still sending
    body = b"".join(response.streaming_content)
    response.close()  # what the server does once the answer is sent
    assert all(f.closed for f in opened)
    assert body.startswith(b"%PDF")
    assert response["Content-Disposition"] == 'attachment; filename="attestation.pdf"'


def _request(query="", post=None):
    factory = RequestFactory()
    return factory.post(f"/x/{query}", post) if post is not None else factory.get(f"/x/{query}")


@pytest.mark.parametrize("asked, language", [("fr", "fr"), ("ar", "ar"), ("AR", "ar"), ("ar-MA", "ar")])
def test_the_document_language_is_the_one_the_form_asks_for(asked, language):
    with translation.override("fr"):
        assert document_language(_request(f"?lang={asked}")) == language
    with translation.override("ar"):
        assert document_language(_request(f"?lang={asked}")) == language


def test_the_form_field_may_be_named_and_read_from_a_post():
    request = _request("?lang=fr", post={"language": "ar"})
    with translation.override("fr"):
        assert document_language(request, request.POST, field="language") == "ar"
        assert document_language(request) == "fr"  # the query string's `lang`


@pytest.mark.parametrize("asked", ["", "?lang=", "?lang=en", "?lang=xx"])
def test_without_fr_or_ar_asked_the_document_is_in_the_page_s_language(asked):
    for page in ("fr", "ar"):
        with translation.override(page):
            assert document_language(_request(asked)) == page


def test_a_page_with_its_own_default_language_uses_it_when_none_is_asked():
    with translation.override("ar"):
        assert document_language(_request("?lang=en"), default="fr") == "fr"
        assert document_language(_request("?lang=ar"), default="fr") == "ar"


@pytest.mark.parametrize("value, page, default, language", [
    ("ar", "fr", None, "ar"), ("AR", "fr", "fr", "ar"), (None, "ar", None, "ar"), ("en", "ar", None, "ar"),
    (None, "ar", "fr", "fr"), ("", "ar", "fr", "fr"), ("ar-MA", "fr", "fr", "ar"),
])
def test_a_service_holding_the_language_asked_follows_the_same_rule(value, page, default, language):
    """A service (a payslip, a published list, a receipt) gets the language as an argument: the
    same rule, without a request."""
    with translation.override(page):
        assert document_language(value=value, default=default) == language
