"""The deployment pages as their users see them: the dashboard in French and Arabic, the wishes a
specialist enters themselves, the posting decision in both languages, the public communiqué."""

import datetime as dt

import pytest
from django.test import Client

from residanat.accounts.roles import Role
from residanat.deployment import services
from residanat.deployment.models import Campaign, Run
from tests.accounts.factories import user_with_role
from tests.documents.helpers import pdf_text

from .world import DeploymentWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    world = DeploymentWorld()
    world.campaign.announced_total = 5
    world.campaign.save()
    return world


def test_the_dashboard_shows_the_figures_and_the_reconciliation_in_both_languages(w, verified_client):
    w.post("Tanger", w.anaesthesia, seats=3, purpose="missing_specialty")
    w.post("Oujda", w.surgery, seats=1, purpose="")
    client = verified_client(user_with_role(Role.HIGHER_EDUCATION_OFFICER))
    page = client.get("/deploiement/2026/").content.decode()
    assert "3 + 0 + 0 = 3 / 4" in page  # the purposes add up to 3 of the 4 posts
    assert "1 poste sans motif" in page and "Écart avec le total annoncé : 1" in page
    assert "<svg" in page and "<circle" in page
    arabic = client.get("/ar/deploiement/2026/").content.decode()
    assert 'dir="rtl"' in arabic and w.province["Tanger"].region.name_ar in arabic
    assert "3 + 0 + 0 = 3 / 4" in arabic


def test_a_specialist_enters_their_own_wishes_until_the_deadline(w):
    user = user_with_role(Role.TRAINEE)
    first, second = w.post("Tanger", w.anaesthesia), w.post("Oujda", w.anaesthesia)
    me = w.specialist(w.anaesthesia, rank=1, user=user)
    w.campaign.wishes_deadline = dt.date.today() + dt.timedelta(days=2)
    w.campaign.save()
    client = Client()
    client.force_login(user)
    page = client.get(f"/deploiement/specialiste/{me.pk}/").content.decode()
    assert f'name="post-{first.pk}"' in page
    client.post(f"/deploiement/specialiste/{me.pk}/", {f"post-{first.pk}": "2", f"post-{second.pk}": "1"})
    assert [w.post_id for w in me.wishes.order_by("order")] == [second.pk, first.pk]
    w.campaign.wishes_deadline = dt.date.today() - dt.timedelta(days=1)
    w.campaign.save()
    assert client.post(f"/deploiement/specialiste/{me.pk}/", {f"post-{first.pk}": "1"}).status_code == 403
    assert me.wishes.count() == 2
    # Another specialist's page does not exist for them.
    other = w.specialist(w.anaesthesia, rank=2)
    assert client.get(f"/deploiement/specialiste/{other.pk}/").status_code == 404


@pytest.mark.pdf
def test_the_posting_decision_in_french_and_arabic(w):
    user = user_with_role(Role.TRAINEE)
    post = w.post("Tanger", w.anaesthesia)
    me = w.specialist(w.anaesthesia, rank=1, user=user, last_name="Alami", last_name_ar="العلمي")
    services.do_set_wishes(me, [post.pk], w.ministry)
    services.do_run_campaign(w.campaign, Run.Kind.FINAL, w.ministry)
    client = Client()
    client.force_login(user)
    page = client.get(f"/deploiement/specialiste/{me.pk}/").content.decode()
    assert "CHP Tanger" in page and "decision-ar.pdf" in page
    french = pdf_text(client.get(f"/deploiement/specialiste/{me.pk}/decision-fr.pdf").content)
    assert "CHP Tanger" in french and "04/01/2027" in french and "D93 art. 27" in french
    arabic = client.get(f"/deploiement/specialiste/{me.pk}/decision-ar.pdf")
    assert arabic.status_code == 200 and arabic.content.startswith(b"%PDF")
    text = pdf_text(arabic.content)
    assert "العلمي" in text and "مندوبية" in text and "04/01/2027" in text


def test_the_communique_is_public_once_wishes_are_open_and_not_before(w):
    w.post("Tanger", w.anaesthesia, seats=2)
    anonymous = Client()
    assert "2 postes" in anonymous.get("/deploiement/2026/communique/").content.decode()
    w.campaign.state = Campaign.State.DRAFT
    w.campaign.save()
    assert anonymous.get("/deploiement/2026/communique/").status_code == 404


@pytest.mark.pdf
def test_the_public_communique_is_a_numbered_verifiable_document_without_the_staff_remark(w, monkeypatch):
    """Issue 18 item 5: the communiqué said it could be checked "with its number and fingerprint"
    but printed neither, nor a QR code, and it printed the staff's reconciliation remark."""
    from residanat.documents import verification
    from residanat.documents.models import IssuedDocument

    from residanat.documents import pdf

    qr_links = []
    real_qr = pdf.qr_data_uri
    monkeypatch.setattr(pdf, "qr_data_uri", lambda url: qr_links.append(url) or real_qr(url))
    w.post("Tanger", w.anaesthesia, seats=3, purpose="missing_specialty")
    w.post("Oujda", w.surgery, seats=1, purpose="")
    anonymous = Client()
    page = anonymous.get("/deploiement/2026/communique/").content.decode()
    assert "4 postes" in page and "la somme des motifs" not in page
    for language in ("fr", "ar"):
        first = anonymous.get(f"/deploiement/2026/communique-{language}.pdf")
        again = anonymous.get(f"/deploiement/2026/communique-{language}.pdf")
        document = IssuedDocument.objects.get(kind="deployment_communique", language=language)
        assert first.status_code == 200 and first.content == again.content  # the same document, not a new one
        text = pdf_text(first.content)
        assert document.number in text and document.content_hash[:16] in text.replace("\n", "")
        assert "somme des motifs" not in text and "/documents/verifier/" in text
        # The QR code carries the verification link with the number and the fingerprint.
        assert any(document.number in url and document.content_hash in url for url in qr_links)
        assert verification.verify_hash(document.number, document.content_hash).valid
        assert verification.verify_file(document.number, first.content).valid
    # New figures, a new communiqué with its own number.
    w.post("Oujda", w.anaesthesia, seats=2, purpose="reinforcement")
    anonymous.get("/deploiement/2026/communique-fr.pdf")
    assert IssuedDocument.objects.filter(kind="deployment_communique", language="fr").count() == 2


def test_the_workbook_has_every_table_and_reads_right_to_left_in_arabic(w, verified_client):
    import io

    from openpyxl import load_workbook

    w.post("Tanger", w.anaesthesia, seats=3, purpose="missing_specialty")
    w.post("Oujda", w.surgery, seats=1, purpose="")
    client = verified_client(user_with_role(Role.MINISTRY_ADMIN))
    french = load_workbook(io.BytesIO(client.get("/deploiement/2026/tableaux.xlsx").content))
    assert french.sheetnames == ["Par région", "Par province", "Par spécialité", "Par motif", "Par promotion",
                                 "Rapprochement", "Spécialités manquantes"]
    rows = {r[0]: r[1] for r in french["Rapprochement"].iter_rows(min_row=2, values_only=True)}
    assert rows["Total des postes"] == 4 and rows["Postes sans motif (non expliqués)"] == 1
    arabic = load_workbook(io.BytesIO(client.get("/ar/deploiement/2026/tableaux.xlsx").content))
    assert all(sheet.sheet_view.rightToLeft for sheet in arabic.worksheets)
    assert arabic.sheetnames[0] == "حسب الجهة"


def test_the_ministry_creates_a_campaign_once_per_year(verified_client):
    drh = verified_client(user_with_role(Role.MINISTRY_ADMIN))
    response = drh.post("/deploiement/nouvelle/", {"year": "2027", "announced_total": "700"})
    assert response.status_code == 302 and response["Location"].endswith("/deploiement/2027/")
    assert Campaign.objects.get(year=2027).announced_total == 700
    drh.post("/deploiement/nouvelle/", {"year": "2027"})
    assert Campaign.objects.filter(year=2027).count() == 1


def test_each_partner_sees_where_the_other_is_posted(w):
    user = user_with_role(Role.TRAINEE)
    ane, surgery = w.post("Tanger", w.anaesthesia), w.post("Tanger", w.surgery)
    me = w.specialist(w.anaesthesia, rank=1, user=user)
    partner = w.specialist(w.surgery, rank=2, last_name="Idrissi")
    services.do_set_wishes(me, [ane.pk], w.ministry)
    services.do_set_wishes(partner, [surgery.pk], w.ministry)
    services.do_record_couple(me, partner, w.ministry)
    services.do_run_campaign(w.campaign, Run.Kind.FINAL, w.ministry)
    client = Client()
    client.force_login(user)
    page = client.get(f"/deploiement/specialiste/{me.pk}/").content.decode()
    assert "IDRISSI" in page.upper() and page.count("CHP Tanger") >= 2
