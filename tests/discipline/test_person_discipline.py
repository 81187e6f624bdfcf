"""The person page shows the person's disciplinary cases (those under way first) and service
commitments with their buy-back, each a link, as far as the reader may read them; opening a second
case for a person with one under way asks to confirm, naming the case (issue 25 item 5)."""

import datetime as dt
from decimal import Decimal

import pytest

from residanat.accounts.roles import Role
from residanat.discipline.models import Buyback, Commitment, DisciplinaryCase
from tests.accounts.factories import user_with_role

D = dt.date
pytestmark = pytest.mark.django_db


def test_the_person_page_lists_the_open_case_and_the_commitment_with_their_links(w, verified_client):
    case = w.case()
    resident = w.status("resident", person=w.intern.person)
    commitment = Commitment.objects.create(status=resident, counterpart="ministry", signed_on=D(2026, 1, 1),
                                           recorded_by=w.ministry)
    for prefix in ("", "/ar"):
        page = verified_client(w.director).get(f"{prefix}/personnes/{w.intern.person_id}/").content.decode()
        assert 'id="discipline"' in page
        assert f'href="{prefix}/discipline/{case.pk}/"' in page and 'class="open-case"' in page
        assert f'href="{prefix}/discipline/engagements/{commitment.pk}/"' in page
    # The open case flags the link that would open another one.
    page = verified_client(w.director).get(f"/personnes/{w.intern.person_id}/").content.decode()
    assert "1 dossier en cours." in page and "(un dossier est déjà en cours)" in page


def test_a_buyback_shows_on_the_person_page(w, verified_client):
    resident = w.status("resident")
    commitment = Commitment.objects.create(status=resident, counterpart="ministry", signed_on=D(2025, 11, 1),
                                           recorded_by=w.ministry, state="broken")
    Buyback.objects.create(commitment=commitment, reason=Buyback.Reason.DROPOUT, on=D(2026, 1, 15),
                           sums_received=Decimal("4500.00"), amount=Decimal("4500.00"), ref="D93 art. 32 bis",
                           approved_by=w.ministry, approval_ref="Décision 3")
    page = verified_client(w.ministry).get(f"/personnes/{resident.person_id}/").content.decode()
    assert "abandon volontaire" in page and "rompu" in page and "4\u00a0500,00" in page


def test_a_decided_case_is_listed_but_not_as_under_way(w, verified_client):
    case = w.case()
    DisciplinaryCase.objects.filter(pk=case.pk).update(state="dismissed")
    page = verified_client(w.director).get(f"/personnes/{w.intern.person_id}/").content.decode()
    assert f"/discipline/{case.pk}/" in page and 'class="open-case"' not in page
    assert "dossier en cours" not in page and "(un dossier est déjà en cours)" not in page
    # Nothing to confirm: the form opens a case at once.
    response = verified_client(w.director).post(f"/discipline/ouvrir/{w.intern.pk}/", {"facts": "Nouveaux faits"})
    assert response.status_code == 302 and DisciplinaryCase.objects.count() == 2


def test_readers_outside_the_procedure_see_no_case_on_the_person_page(w, verified_client):
    w.case()
    # The payroll reads the person's file but not their disciplinary file (CASE_READERS).
    page = verified_client(w.officer).get(f"/personnes/{w.intern.person_id}/").content.decode()
    assert 'id="discipline"' not in page and "/discipline/" not in page.split('class="mainnav"')[1].split("</nav>")[1]


def test_opening_a_second_case_warns_with_a_link_and_asks_to_confirm(w, verified_client):
    first = w.case()
    director = verified_client(w.director)
    for prefix in ("", "/ar"):
        form = director.get(f"{prefix}/discipline/ouvrir/{w.intern.pk}/").content.decode()
        assert 'id="already-open"' in form and f'href="{prefix}/discipline/{first.pk}/"' in form
        assert 'name="second"' in form
    refused = director.post(f"/discipline/ouvrir/{w.intern.pk}/", {"facts": "Retards répétés"})
    assert refused.status_code == 200 and DisciplinaryCase.objects.count() == 1
    html = refused.content.decode()
    assert "Un dossier est déjà en cours pour cette personne" in html and "Retards répétés" in html
    confirmed = director.post(f"/discipline/ouvrir/{w.intern.pk}/", {"facts": "Retards répétés", "second": "on"})
    assert confirmed.status_code == 302 and DisciplinaryCase.objects.count() == 2


def test_a_case_on_another_status_of_the_person_counts_too(w, verified_client):
    w.case()
    resident = w.status("resident", person=w.intern.person)
    form = verified_client(w.director).get(f"/discipline/ouvrir/{resident.pk}/").content.decode()
    assert 'id="already-open"' in form


def test_the_nominations_button_follows_the_rule_of_its_page(w, verified_client):
    """Issue 25 item 6: the button is shown to whoever the page lets in, and only to them."""
    for user, allowed in ((w.dean, True), (w.ministry, True), (w.director, False),
                          (user_with_role(Role.HEAD_OF_SERVICE, service=w.service), False)):
        client = verified_client(user)
        shown = "/discipline/commission/" in client.get("/discipline/").content.decode()
        status = client.get("/discipline/commission/").status_code
        assert (shown, status) == (allowed, 200 if allowed else 403), user
