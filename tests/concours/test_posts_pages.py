"""The posts pages: the distribution with its subtotals and totals, one allocation edited inline
(HTMX), the upload of the ministry's letter or the template (preview first, nothing written before
the confirmation), the template download and the annex of the joint order in French and Arabic;
who may see and who may change."""

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from residanat.accounts.roles import Role
from residanat.concours.models import Competition, PostAllocation
from residanat.concours.posts_template import posts_template
from residanat.concours.services import do_import_posts_letter
from residanat.referential.models import Faculty, HospitalCentre
from tests.accounts.factories import user_with_role
from tests.documents.helpers import pdf_text

from .conftest import SEED
from .factories import CompetitionFactory

pytestmark = pytest.mark.usefixtures("referential")

SLUG = "residanat-2026-casablanca"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def competition(db):
    competition = CompetitionFactory(
        slug=SLUG, faculty=Faculty.objects.get(code="fmp-casablanca"),
        hospital_centre=HospitalCentre.objects.get(code="chu-ibn-rochd"), session_date=dt.date(2026, 6, 15))
    assert do_import_posts_letter(SEED, SLUG).ok
    return competition


@pytest.fixture
def empty_competition(db):
    return CompetitionFactory(slug=SLUG, faculty=Faculty.objects.get(code="fmp-casablanca"),
                              hospital_centre=HospitalCentre.objects.get(code="chu-ibn-rochd"))


@pytest.fixture
def dean(db):
    return user_with_role(Role.DEAN_OFFICE, faculty=Faculty.objects.get(code="fmp-casablanca"))


@pytest.fixture
def dean_client(dean, verified_client):
    return verified_client(dean)


def url(name, *args):
    """The French path (reverse follows the active language, which an /ar/ request leaves behind)."""
    from django.urls import reverse
    from django.utils import translation

    with translation.override("fr"):
        return reverse(f"concours:{name}", args=[SLUG, *args])


def seats(competition, code, seat_type="contract"):
    allocation = PostAllocation.objects.filter(competition=competition, specialty__code=code,
                                               seat_type=seat_type).first()
    return allocation.seats if allocation else None


def allocations(competition):
    return sorted(PostAllocation.objects.filter(competition=competition).values_list(
        "seat_type", "group", "specialty__code", "seats"), key=lambda r: tuple(map(str, r)))


def cells(html: str, row_id: str) -> list[str]:
    """The texts of the cells of one row (tags and blanks removed)."""
    row = re.search(rf'<tr id="{row_id}"[^>]*>(.*?)</tr>', html, re.S).group(1)
    return [re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]


# --- the page ----------------------------------------------------------------------------------------

def test_page_shows_groups_subtotals_totals_and_the_letter_line(competition, dean_client):
    page = dean_client.get(url("posts")).content.decode()

    assert cells(page, "subtotal-medical")[:5] == ["Sous-total", "214", "5", "0", "0"]
    assert cells(page, "subtotal-surgical")[1:3] == ["104", "3"]
    assert cells(page, "posts-total") == ["TOTAL", "352", "10", "0", "0", "362", ""]
    anaesthesia = cells(page, "row-medical-anaesthesia-reanimation")
    assert anaesthesia[0] == "Anesthésie-Réanimation" and anaesthesia[1] == "20" and anaesthesia[-1] == "48"
    assert cells(page, "row-medical-contingent")[2] == "5"
    assert "352 postes avec contrat + 10 postes bénévoles pour les candidats étrangers" in page


def test_page_in_arabic_shows_the_arabic_specialty_names(competition, dean_client):
    page = dean_client.get("/ar" + url("posts")).content.decode()

    assert 'dir="rtl"' in page
    assert "أمراض القلب والشرايين" in page


def test_editors_get_edit_links_viewers_do_not(competition, dean_client, verified_client):
    director = user_with_role(Role.HOSPITAL_DIRECTOR_OFFICE, hospital_centre=competition.hospital_centre)
    edit = url("posts_edit", "medical", "cardiology", "contract")

    assert edit in dean_client.get(url("posts")).content.decode()
    viewer_page = verified_client(director).get(url("posts"))
    assert viewer_page.status_code == 200
    assert edit not in viewer_page.content.decode() and url("posts_upload") not in viewer_page.content.decode()


# --- one allocation, inline ---------------------------------------------------------------------------

def test_inline_edit_form_comes_in_the_row(competition, dean_client):
    response = dean_client.get(url("posts_edit", "medical", "cardiology", "contract"), **HTMX)

    html = response.content.decode()
    assert html.lstrip().startswith('<tr id="row-medical-cardiology"')
    assert 'name="seats" value="5"' in html


def test_inline_edit_saves_and_rerenders_row_subtotal_and_total(competition, dean, dean_client):
    response = dean_client.post(url("posts_edit", "medical", "cardiology", "contract"), {"seats": "7"}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert seats(competition, "cardiology") == 7
    assert cells(html, "row-medical-cardiology")[1].startswith("7")
    assert cells(html, "subtotal-medical")[1] == "216"
    assert cells(html, "posts-total")[-2] == "364"
    assert 'id="subtotal-medical" hx-swap-oob="true"' in html
    record = Competition.objects.get(pk=competition.pk).history.first()
    assert record.history_user == dean and "Cardiologie" in record.history_change_reason
    assert "5 → 7" in record.history_change_reason


@pytest.mark.parametrize("value, words", [("-3", "négatif"), ("2,5", "entier"), ("beaucoup", "beaucoup")])
def test_inline_edit_with_invalid_seats_shows_the_error_in_the_cell_and_writes_nothing(
        competition, dean_client, value, words):
    history = competition.history.count()

    response = dean_client.post(url("posts_edit", "medical", "cardiology", "contract"), {"seats": value}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="errorlist"' in html and words in html
    assert f'name="seats" value="{value}"' in html  # the form stays, with what was typed
    assert seats(competition, "cardiology") == 5
    assert competition.history.count() == history


def test_inline_edit_to_zero_deletes_the_allocation(competition, dean_client):
    response = dean_client.post(url("posts_edit", "medical", "cardiology", "contract"), {"seats": "0"}, **HTMX)

    assert response.status_code == 200
    assert seats(competition, "cardiology") is None
    assert cells(response.content.decode(), "subtotal-medical")[1] == "209"


def test_inline_edit_without_htmx_redirects_to_the_page(competition, dean_client):
    response = dean_client.post(url("posts_edit", "surgical", "urology", "military"), {"seats": "1"})

    assert response.status_code == 302 and response.url.endswith("#group-surgical")
    assert seats(competition, "urology", "military") == 1


def test_public_administration_posts_only_in_the_article_27_bis_specialties(competition, dean_client):
    refused = dean_client.post(url("posts_edit", "medical", "cardiology", "public_administration"),
                               {"seats": "2"}, **HTMX)
    accepted = dean_client.post(url("posts_edit", "medical", "forensic-medicine", "public_administration"),
                                {"seats": "2"}, **HTMX)

    assert "27 bis" in refused.content.decode()
    assert seats(competition, "cardiology", "public_administration") is None
    assert seats(competition, "forensic-medicine", "public_administration") == 2
    # The cell is not even offered where the article closes it.
    assert dean_client.get(url("posts_edit", "medical", "cardiology", "public_administration"),
                           **HTMX).status_code == 404


def test_add_a_row_and_refuse_to_overwrite_an_existing_one(competition, dean_client):
    dean_client.post(url("posts_add"), {"row": "medical:geriatrics", "seat_type": "military", "seats": "2"})
    dean_client.post(url("posts_add"), {"row": "medical:cardiology", "seat_type": "contract", "seats": "9"})
    response = dean_client.post(url("posts_add"), {"row": "medical:contingent", "seat_type": "military",
                                                   "seats": "1"}, follow=True)

    assert seats(competition, "geriatrics", "military") == 2
    assert seats(competition, "cardiology") == 5
    assert PostAllocation.objects.get(competition=competition, seat_type="military", specialty=None).seats == 1
    assert response.status_code == 200


def test_posts_are_not_editable_once_registration_is_open(competition, dean_client):
    Competition.objects.filter(pk=competition.pk).update(state=Competition.State.REGISTRATION_OPEN)
    before = allocations(competition)

    page = dean_client.get(url("posts")).content.decode()
    htmx = dean_client.post(url("posts_edit", "medical", "cardiology", "contract"), {"seats": "7"}, **HTMX)
    plain = dean_client.post(url("posts_edit", "medical", "cardiology", "contract"), {"seats": "7"})
    added = dean_client.post(url("posts_add"), {"row": "medical:geriatrics", "seat_type": "military", "seats": "2"})
    upload = dean_client.post(url("posts_upload"), {"file": SimpleUploadedFile("lettre.txt", SEED.read_bytes())})

    assert url("posts_edit", "medical", "cardiology", "contract") not in page
    assert "ne se modifie plus" in page
    assert "inscriptions ouvertes" in htmx.content.decode()
    assert plain.status_code == 200 and "inscriptions ouvertes" in plain.content.decode()
    assert added.status_code == 302
    assert "Confirmer l'import" not in upload.content.decode()
    assert allocations(competition) == before


# --- upload: preview, then confirm ------------------------------------------------------------------

def test_uploaded_letter_is_previewed_without_writing_then_confirmed(empty_competition, dean, dean_client):
    preview = dean_client.post(url("posts_upload"), {"file": SimpleUploadedFile("lettre.txt", SEED.read_bytes())})

    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Confirmer l'import" in html
    assert re.search(r"TOTAL</th>\s*<th class=\"num\">352</th><th class=\"num\">10</th><th class=\"num\">362", html)
    assert "&#x27;Maladie Infectieuses&#x27; read as &#x27;Maladies Infectieuses&#x27;" in html
    assert not PostAllocation.objects.exists()

    token = re.search(r'name="token" value="([0-9a-f]+)"', html).group(1)
    confirmed = dean_client.post(url("posts_confirm"), {"token": token})

    assert confirmed.status_code == 302 and confirmed.url == url("posts")
    assert PostAllocation.objects.filter(competition=empty_competition).count() == 53
    record = empty_competition.history.first()
    assert record.history_user == dean and "lettre.txt" in record.history_change_reason


def test_uploaded_letter_with_a_wrong_subtotal_shows_the_line_and_offers_no_confirmation(
        empty_competition, dean_client, edited_seed):
    text = edited_seed(91, "<b>104</b>", "<b>105</b>")

    preview = dean_client.post(url("posts_upload"), {"file": SimpleUploadedFile("lettre.txt", text.encode())})

    html = preview.content.decode()
    assert "rien n'a été enregistré" in html
    assert re.search(r'<td class="num">91</td><td class="mono">—</td><td>Sous Total', html)
    assert "Confirmer l'import" not in html
    assert dean_client.post(url("posts_confirm"), {"token": "0" * 64}).status_code == 302
    assert not PostAllocation.objects.exists()


def test_uploaded_template_is_previewed_then_confirmed(competition, dean_client):
    workbook = load_workbook(io.BytesIO(posts_template(competition)))
    sheet = workbook.worksheets[0]
    for row in sheet.iter_rows(min_row=2):
        if row[2].value == "cardiology":
            row[4].value = 8
    data = io.BytesIO()
    workbook.save(data)

    preview = dean_client.post(url("posts_upload"), {"file": SimpleUploadedFile("postes.xlsx", data.getvalue())})
    html = preview.content.decode()
    assert "(modèle)" in html and "1 modifiées" in html
    assert seats(competition, "cardiology") == 5

    token = re.search(r'name="token" value="([0-9a-f]+)"', html).group(1)
    assert dean_client.post(url("posts_confirm"), {"token": token}).status_code == 302
    assert seats(competition, "cardiology") == 8


def test_uploaded_template_errors_name_row_and_column(competition, dean_client):
    data = ("groupe;filiere;specialite_code;specialite;contractuels;benevoles_etrangers;administration_publique;"
            "militaires\nmedical;medicine;cardiology;;5;;3;\n").encode()

    html = dean_client.post(url("posts_upload"), {"file": SimpleUploadedFile("postes.csv", data)}).content.decode()

    assert re.search(r'<td class="num">2</td><td class="mono">administration_publique</td><td>D93 art. 27 bis', html)
    assert seats(competition, "cardiology", "public_administration") is None


def test_upload_refuses_other_kinds_of_files(empty_competition, dean_client):
    response = dean_client.post(url("posts_upload"), {"file": SimpleUploadedFile("photo.png", b"\x89PNG")},
                                follow=True)

    assert "lettre du ministère (.txt)" in response.content.decode()
    assert not PostAllocation.objects.exists()


# --- downloads ---------------------------------------------------------------------------------------

def test_template_download_is_an_xlsx_of_the_competition(competition, dean_client):
    response = dean_client.get(url("posts_template"))

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"postes-{SLUG}.xlsx" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert ("medical", "medicine", "cardiology", "Cardiologie", 5, None, None, None) in rows


def test_annex_in_french_has_the_groups_subtotals_and_totals(competition, dean_client):
    Competition.objects.filter(pk=competition.pk).update(state=Competition.State.POSTS_VALIDATED)

    response = dean_client.get(url("posts_annex") + "?lang=fr")

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Spécialités médicales" in text and "Anesthésie-Réanimation" in text
    assert re.search(r"Sous-total\s+214\s+5\s+219", text)
    assert re.search(r"TOTAL\s+352\s+10\s+362", text)
    assert re.search(r"352 postes avec contrat \+ 10 postes bénévoles pour les candidats étrangers = 362\s+postes", text)
    assert "non validée" not in text


def test_annex_in_arabic_is_right_to_left_with_arabic_specialty_names_and_the_totals(competition, dean_client):
    Competition.objects.filter(pk=competition.pk).update(state=Competition.State.POSTS_VALIDATED)

    response = dean_client.get(url("posts_annex") + "?lang=ar")

    text = pdf_text(response.content)
    assert "الإنعاش والتخدير" in text  # Anesthésie-Réanimation
    assert "الاختصاصات الطبية" in text  # the medical group
    for figure in ("352", "362", "214", "219"):
        assert figure in text
    assert "Anesthésie" not in text


def test_annex_of_a_distribution_not_yet_validated_is_marked_as_a_draft(competition, dean_client):
    text = pdf_text(dean_client.get(url("posts_annex") + "?lang=fr").content)

    assert "Projet : répartition non validée" in text


# --- scope ---------------------------------------------------------------------------------------------

def test_a_dean_of_another_faculty_gets_404_everywhere(competition, verified_client):
    other = user_with_role(Role.DEAN_OFFICE, faculty=Faculty.objects.get(code="fmp-rabat"))
    client = verified_client(other)

    for path in (url("posts"), url("posts_template"), url("posts_annex"), url("posts_upload"),
                 url("posts_edit", "medical", "cardiology", "contract")):
        assert client.get(path).status_code == 404, path
    assert client.post(url("posts_edit", "medical", "cardiology", "contract"), {"seats": "9"}).status_code == 404
    assert seats(competition, "cardiology") == 5


def test_the_chu_director_sees_the_posts_but_cannot_change_them(competition, verified_client):
    director = user_with_role(Role.HOSPITAL_DIRECTOR_OFFICE, hospital_centre=competition.hospital_centre)
    client = verified_client(director)

    assert client.get(url("posts")).status_code == 200
    assert client.get(url("posts_annex")).status_code == 200
    assert client.get(url("posts_template")).status_code == 200
    assert client.get(url("posts_upload")).status_code == 403
    assert client.post(url("posts_edit", "medical", "cardiology", "contract"), {"seats": "9"}).status_code == 403
    assert client.post(url("posts_add"), {"row": "medical:geriatrics", "seat_type": "military",
                                          "seats": "1"}).status_code == 403
    assert client.post(url("posts_confirm"), {"token": "x"}).status_code == 403
    assert seats(competition, "cardiology") == 5
