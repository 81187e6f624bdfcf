"""The laureate's own wishes page: ranking the posts open to their seat type before the deadline,
every saved change a new version, and after each round their provisional post, the cutoff of
each wish and why not each better one."""

import datetime as dt
import html

import pytest
from django.test import Client
from django.utils import timezone

from residanat.accounts.roles import Role
from residanat.choice.models import ChoiceSession, Chooser, Post, WishList
from residanat.choice.rounds import do_run_round
from residanat.choice.sessions import do_open_wishes
from residanat.choice.wishes import do_save_wishes
from residanat.concours.models import MeritEntry
from tests.accounts.factories import user_with_role
from tests.choice.world import ChoiceWorld, close_deadline

pytestmark = pytest.mark.django_db
Outcome = MeritEntry.Outcome


class World:
    """Two Moroccan laureates on cardio (1 seat) and pedia (1 seat), two foreigners on the
    medical group's single volunteer seat (a quota over cardio#VOL and pedia#VOL)."""

    def __init__(self):
        self.w = ChoiceWorld(seats={"cardio": 1, "pedia": 1}, volunteer=1)
        self.users = {n: user_with_role(Role.TRAINEE) for n in ("R0001", "R0002", "R0003", "R0004")}
        self.w.laureate("R0001", 1, user=self.users["R0001"])
        self.w.laureate("R0002", 2, user=self.users["R0002"])
        self.w.laureate("R0003", 3, Outcome.ADMITTED_FOREIGN, foreign=True, user=self.users["R0003"])
        self.w.laureate("R0004", 4, Outcome.ADMITTED_FOREIGN, foreign=True, user=self.users["R0004"])
        self.session = do_open_wishes(self.w.session(), timezone.now() + dt.timedelta(days=2), self.w.dean)
        self.url = f"/choix/{self.session.slug}/mes-voeux/"

    def post(self, code):
        return Post.objects.get(session=self.session, code=f"chu-test-medical-{code}")

    def chooser(self, number):
        return Chooser.objects.get(session=self.session, candidate__number=number)

    def client(self, number):
        client = Client()
        client.force_login(self.users[number])
        return client

    def wishes(self, number, *codes):
        chooser = self.chooser(number)
        return do_save_wishes(chooser, [self.post(c).pk for c in codes], self.users[number])

    def close_deadline(self):
        close_deadline(self.session)


@pytest.fixture
def world():
    return World()


def text(response):
    return html.unescape(response.content.decode())


def test_a_laureate_saves_ranked_wishes_and_every_change_is_a_new_version(world):
    client = world.client("R0001")
    cardio, pedia = world.post("cardio").pk, world.post("pedia").pk
    assert client.post(world.url, {"posts": [cardio, pedia], "op": "save"}).status_code == 302
    assert client.post(world.url, {"posts": [pedia, cardio], "op": "save"}).status_code == 302
    lists = list(WishList.objects.filter(chooser=world.chooser("R0001")).order_by("number"))
    assert [(wl.number, wl.posts) for wl in lists] == [(1, [cardio, pedia]), (2, [pedia, cardio])]
    assert lists[1].saved_by == world.users["R0001"]
    page = client.get(world.url)
    assert [p.pk for p in page.context["editor"]["ranked"]] == [pedia, cardio]
    assert "version 2" in text(page)


def test_saving_the_same_list_again_makes_no_new_version(world):
    client = world.client("R0001")
    cardio = world.post("cardio").pk
    client.post(world.url, {"posts": [cardio], "op": "save"})
    page = client.post(world.url, {"posts": [cardio], "op": "save"}, follow=True)
    assert WishList.objects.filter(chooser=world.chooser("R0001")).count() == 1
    assert "Aucun changement" in text(page)


def test_the_editor_moves_adds_and_removes_wishes_without_saving_until_asked(world):
    client = world.client("R0001")
    cardio, pedia = world.post("cardio").pk, world.post("pedia").pk
    moved = client.post(world.url, {"posts": [cardio, pedia], "op": "up:2"})
    assert moved.status_code == 200
    assert [p.pk for p in moved.context["editor"]["ranked"]] == [pedia, cardio]
    assert "Modifications non enregistrées" in text(moved)
    added = client.post(world.url, {"posts": [pedia], "op": f"add:{cardio}"})
    assert [p.pk for p in added.context["editor"]["ranked"]] == [pedia, cardio]
    removed = client.post(world.url, {"posts": [pedia, cardio], "op": "remove:1"})
    assert [p.pk for p in removed.context["editor"]["ranked"]] == [cardio]
    assert not WishList.objects.filter(chooser=world.chooser("R0001")).exists()


def test_with_htmx_a_step_answers_the_editor_alone_and_a_save_reloads_the_page(world):
    client = world.client("R0001")
    cardio, pedia = world.post("cardio").pk, world.post("pedia").pk
    step = client.post(world.url, {"posts": [cardio, pedia], "op": "down:1"}, HTTP_HX_REQUEST="true")
    body = step.content.decode()
    assert 'id="wish-editor"' in body and "<html" not in body
    assert body.index(f'value="{pedia}"') < body.index(f'value="{cardio}"')
    saved = client.post(world.url, {"posts": [pedia, cardio], "op": "save"}, HTTP_HX_REQUEST="true")
    assert saved["HX-Redirect"] == world.url
    assert WishList.objects.get(chooser=world.chooser("R0001")).posts == [pedia, cardio]


def test_a_post_not_open_to_the_seat_type_is_refused_with_the_services_message(world):
    client = world.client("R0001")
    volunteer = world.post("cardio#VOL")
    page = client.post(world.url, {"posts": [world.post("pedia").pk, volunteer.pk], "op": "save"})
    assert page.status_code == 200
    assert f"Postes non ouverts à votre statut : {volunteer.code}" in text(page)
    assert not WishList.objects.filter(chooser=world.chooser("R0001")).exists()
    # The laureate's draft is shown again to be corrected, and only their posts can be added.
    assert [p.pk for p in page.context["editor"]["ranked"]] == [world.post("pedia").pk, volunteer.pk]
    assert {p.seat_type for p in page.context["editor"]["available"]} == {"contract"}


def test_after_the_deadline_wishes_are_refused_and_no_longer_editable(world):
    world.wishes("R0001", "cardio")
    world.close_deadline()
    client = world.client("R0001")
    page = client.post(world.url, {"posts": [world.post("pedia").pk], "op": "save"}, follow=True)
    assert "La date limite des vœux est passée" in text(page)
    assert WishList.objects.get(chooser=world.chooser("R0001")).posts == [world.post("cardio").pk]
    assert 'value="save"' not in page.content.decode()
    assert "vos vœux sont arrêtés" in text(page)
    # A step of the editor is refused the same way (no draft shown past the deadline).
    step = client.post(world.url, {"posts": [world.post("pedia").pk], "op": "up:1"}, follow=True)
    assert "La date limite des vœux est passée" in text(step)


def test_nobody_but_the_laureate_opens_their_wishes_page(world, verified_client):
    assert world.client("R0001").get(world.url).status_code == 200
    outsider = Client()
    outsider.force_login(user_with_role(Role.TRAINEE))
    assert outsider.get(world.url).status_code == 404
    assert outsider.post(world.url, {"posts": [world.post("cardio").pk], "op": "save"}).status_code == 404
    assert verified_client(world.w.dean).get(world.url).status_code == 404
    # A laureate cannot reach another laureate's history either: the office pages are 404 to them.
    other = world.chooser("R0002")
    assert world.client("R0001").get(f"/choix/{world.session.slug}/laureats/{other.order}/").status_code == 404


def test_after_a_round_the_laureate_sees_the_provisional_post_the_cutoffs_and_why_not(world):
    world.wishes("R0001", "cardio", "pedia")
    world.wishes("R0002", "cardio", "pedia")
    do_run_round(world.session, world.w.dean)
    page = world.client("R0002").get(world.url)
    content = text(page)
    assert "Résultat du tour de simulation 1" in content
    assert "Poste provisoire" in content and "Pedia" in content
    wishes = page.context["wishes"]
    assert [(w["code"], w["outcome"], w["cutoff"]) for w in wishes] == [
        ("chu-test-medical-cardio", "full", 1), ("chu-test-medical-pedia", "assigned", 2)]
    assert "complet ; le dernier admis avait l'ordre d'appel 1, vous avez le 2." in content
    assert "Résultat provisoire" in content


def test_a_wish_refused_because_the_volunteer_pool_is_exhausted_says_so(world):
    world.wishes("R0003", "cardio#VOL")
    world.wishes("R0004", "pedia#VOL", "cardio#VOL")
    do_run_round(world.session, world.w.dean)
    page = world.client("R0004").get(world.url)
    assert [w["outcome"] for w in page.context["wishes"]] == ["quota", "full"]
    content = text(page)
    assert "le contingent de postes bénévoles des spécialités médicales est épuisé" in content
    assert "Aucun poste" in content


def test_a_laureate_who_changed_their_wishes_since_the_round_is_told_it_counts_at_the_next(world):
    world.wishes("R0001", "cardio")
    do_run_round(world.session, world.w.dean)
    world.wishes("R0001", "pedia", "cardio")
    do_run_round(world.session, world.w.dean)
    world.wishes("R0001", "cardio")
    page = world.client("R0001").get(world.url)
    content = text(page)
    assert "Résultat du tour de simulation 2" in content
    assert "la nouvelle liste comptera au prochain tour" in content
    assert [p.round.number for p in page.context["earlier"]] == [1]


def test_the_binding_round_result_is_said_to_be_final(world):
    world.wishes("R0001", "cardio")
    world.close_deadline()
    do_run_round(world.session, world.w.dean, binding=True)
    content = text(world.client("R0001").get(world.url))
    assert "Résultat définitif (tour 1)" in content
    assert "Ce résultat est définitif" in content
    assert "Poste attribué : Cardio" in content


def test_the_candidate_space_links_a_laureate_to_their_wishes(world):
    page = world.client("R0001").get("/concours/mes-candidatures/")
    assert world.url in page.content.decode()
    outsider = user_with_role(Role.TRAINEE)
    world.w.laureate("R0009", None, Outcome.NOT_ADMITTED, user=outsider)
    client = Client()
    client.force_login(outsider)
    assert "/mes-voeux/" not in client.get("/concours/mes-candidatures/").content.decode()


def test_the_wishes_page_and_its_round_results_render_right_to_left_in_arabic(world):
    world.wishes("R0001", "cardio")
    do_run_round(world.session, world.w.dean)
    page = world.client("R0001").get(f"/ar{world.url}")
    assert page.status_code == 200
    assert 'dir="rtl"' in page.content.decode()[:400]
    assert page.context["latest"].post == world.post("cardio")


def test_switching_language_keeps_the_unsaved_wishes_until_they_are_saved(world):
    """Issue 25 item 1: wishes added but not saved stay in the editor when the laureate switches
    language (the page reloads): the draft is kept in the session, shown as unsaved, and gone
    once saved."""
    client = world.client("R0001")
    cardio, pedia = world.post("cardio").pk, world.post("pedia").pk
    client.post(world.url, {"posts": [cardio], "op": f"add:{pedia}"}, HTTP_HX_REQUEST="true")
    assert not WishList.objects.exists()
    switched = client.post("/lang/", {"language": "ar", "next": world.url})
    assert switched.status_code == 302
    page = client.get(switched["Location"])
    assert [p.pk for p in page.context["editor"]["ranked"]] == [cardio, pedia]
    assert page.context["editor"]["dirty"] and 'dir="rtl"' in text(page)
    assert client.post(world.url, {"posts": [cardio, pedia], "op": "save"}).status_code == 302
    page = client.get(world.url)
    assert not page.context["editor"]["dirty"]
    assert [p.pk for p in page.context["editor"]["ranked"]] == [cardio, pedia]
