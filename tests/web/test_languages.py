"""Every page in French at / and in Arabic at /ar/, right to left."""

import re

import pytest
from django.test import Client

from residanat.accounts.roles import Role
from tests.accounts.factories import user_with_role
from tests.people.factories import TraineeStatusFactory

PAGES = ["/", "/reglementation/", "/referentiel/", "/referentiel/?tab=specialties", "/personnes/", "/compte/",
         "/documents/verifier/"]


def html_tag(content):
    return re.search(r"<html[^>]*>", content).group(0)


@pytest.mark.django_db
def test_home_page_is_french_at_root_and_arabic_rtl_under_ar():
    client = Client()
    fr = client.get("/").content.decode()
    ar = client.get("/ar/").content.decode()
    assert 'lang="fr"' in html_tag(fr) and 'dir="ltr"' in html_tag(fr)
    assert 'lang="ar"' in html_tag(ar) and 'dir="rtl"' in html_tag(ar)
    assert "Se connecter" in fr
    assert "تسجيل الدخول" in ar


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_in_both_languages(path, verified_client):
    person = TraineeStatusFactory().person
    client = verified_client(user_with_role(Role.MINISTRY_ADMIN))
    for prefix, lang, direction in (("", "fr", "ltr"), ("/ar", "ar", "rtl")):
        response = client.get(prefix + path)
        assert response.status_code == 200, (prefix + path, response.status_code)
        tag = html_tag(response.content.decode())
        assert f'lang="{lang}"' in tag and f'dir="{direction}"' in tag
    detail = client.get(f"/ar/personnes/{person.pk}/").content.decode()
    assert 'dir="rtl"' in html_tag(detail)
    assert person.full_name_ar in detail


@pytest.mark.django_db
def test_arabic_dashboard_is_translated(verified_client):
    client = verified_client(user_with_role(Role.MINISTRY_ADMIN))
    page = client.get("/ar/").content.decode()
    assert "لوحة القيادة" in page
    assert "Tableau de bord" not in page


def test_arabic_catalogue_is_complete():
    import subprocess
    from pathlib import Path

    import residanat

    po = Path(residanat.__file__).parent / "locale/ar/LC_MESSAGES/django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
