"""Our 403, 404 and 500 pages (issue 25 item 6): in French and Arabic, with the menu when the user
is logged in and a way back (the dashboard, the previous page of this site); and /favicon.ico."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory

from residanat.accounts.roles import Role
from residanat.web import errors
from tests.accounts.factories import user_with_role
from tests.referential.factories import FacultyFactory, HospitalServiceFactory

pytestmark = pytest.mark.django_db


def head_of_service():
    return user_with_role(Role.HEAD_OF_SERVICE, service=HospitalServiceFactory())


def html(response) -> str:
    return response.content.decode()


def test_a_refusal_is_our_page_with_the_menu_and_a_way_back_in_both_languages(verified_client):
    """The committee nominations are the dean's and the Ministry's (D93 art. 32): a head of service
    who types the address is refused on a page of the site, not a bare "403 Forbidden"."""
    client = verified_client(head_of_service())
    for prefix, title, direction in (("", "Accès refusé", "ltr"), ("/ar", "الولوج مرفوض", "rtl")):
        response = client.get(f"{prefix}/discipline/commission/")
        page = html(response)
        assert response.status_code == 403
        assert "403 Forbidden" not in page and title in page and f'dir="{direction}"' in page
        assert 'class="mainnav"' in page and 'id="back-home"' in page
        assert f'href="{prefix}/"' in page


def test_a_refusal_that_says_why_shows_its_words():
    request = RequestFactory().get("/paie/montants/arretes/nouveau/")
    request.user = user_with_role(Role.PAYROLL_OFFICER)
    request.session = {}
    response = errors.forbidden(request, PermissionDenied("Seul le ministère saisit un arrêté modifiant un montant."))
    assert response.status_code == 403 and "Seul le ministère saisit un arrêté" in html(response)
    bare = errors.forbidden(request, PermissionDenied())
    assert "Votre rôle ne permet pas d'ouvrir cette page" in html(bare)


def test_the_way_back_is_the_previous_page_only_when_it_is_ours(verified_client):
    client = verified_client(head_of_service())
    ours = client.get("/discipline/commission/", HTTP_REFERER="http://testserver/discipline/")
    assert 'id="back-previous"' in html(ours) and 'href="http://testserver/discipline/"' in html(ours)
    elsewhere = client.get("/discipline/commission/", HTTP_REFERER="https://example.org/piege/")
    assert 'id="back-previous"' not in html(elsewhere) and "example.org" not in html(elsewhere)


def test_an_unknown_address_is_our_404_in_both_languages(verified_client):
    client = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=FacultyFactory()))
    for prefix, title, direction in (("", "Page introuvable", "ltr"), ("/ar", "الصفحة غير موجودة", "rtl")):
        response = client.get(f"{prefix}/nulle-part/")
        page = html(response)
        assert response.status_code == 404
        assert title in page and f'dir="{direction}"' in page and 'class="mainnav"' in page
        assert "Not Found" not in page and 'id="back-home"' in page
    # An object outside the scope answers the same page (ids reveal nothing).
    response = client.get("/personnes/999999/")
    assert response.status_code == 404 and "Page introuvable" in html(response)


def test_a_visitor_gets_the_404_without_a_menu_and_a_way_to_log_in():
    response = Client().get("/ar/nulle-part/")
    page = html(response)
    assert response.status_code == 404 and "الصفحة غير موجودة" in page
    assert 'class="mainnav"' not in page and 'href="/ar/compte/connexion/"' in page


@pytest.mark.urls("tests.web.urls_failing")
def test_a_failure_is_our_500_page_with_the_menu(verified_client):
    client = verified_client(user_with_role(Role.MINISTRY_ADMIN))
    client.raise_request_exception = False
    for prefix, title in (("", "Erreur du serveur"), ("/ar", "خطأ في الخادم")):
        response = client.get(f"{prefix}/en-panne/")
        page = html(response)
        assert response.status_code == 500 and title in page
        assert 'class="mainnav"' in page and 'id="back-home"' in page and "a bug" not in page


def test_the_favicon_answers_at_the_root_and_is_referenced_by_every_page():
    response = Client().get("/favicon.ico")
    body = b"".join(response.streaming_content)
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert body[:4] == b"\x00\x00\x01\x00"  # an icon file
    assert "public" in response["Cache-Control"]
    page = html(Client().get("/"))
    assert 'rel="icon" href="/static/favicon.svg"' in page and 'href="/static/favicon.ico"' in page


def test_a_form_sent_without_its_token_gets_our_refusal_saying_what_to_do():
    client = Client(enforce_csrf_checks=True)
    for prefix, words in (("", "Ce formulaire a expiré"), ("/ar", "انتهت صلاحية هذه الاستمارة")):
        response = client.post(f"{prefix}/compte/connexion/", {"username": "x", "password": "y"})
        page = html(response)
        assert response.status_code == 403 and words in page and "403 Forbidden" not in page
        assert 'id="back-home"' in page
