"""The disciplinary case pages as their users meet them: the office opens a case and takes each
step through the forms (a refused step says why and changes nothing), the person reads their file
in their space (each reading logged) and answers the explanations, others get 404; letters in
French and Arabic."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from residanat.discipline import cases
from residanat.discipline.models import CaseEvent, CommitteeNomination, DisciplinaryCase
from residanat.payroll.models import StipendStop
from tests.accounts.factories import user_with_role
from tests.discipline.test_cases import World
from tests.formpage import form_with_errors, shows
from residanat.accounts.roles import Role

D = dt.date
HOUR_AND_ROOM = {"time": "09:30", "place": "Salle du conseil, direction du CHU"}
pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return World()


def trainee_client(user):
    client = Client()
    client.force_login(user)
    return client


def step(client, case, name, **data):
    return client.post(f"/discipline/{case.pk}/etapes/{name}/", data, follow=True)


def test_the_office_takes_a_case_from_opening_to_a_temporary_exclusion(w, verified_client):
    director, ministry = verified_client(w.director), verified_client(w.ministry)
    assert director.get(f"/discipline/ouvrir/{w.intern.pk}/").status_code == 200
    response = director.post(f"/discipline/ouvrir/{w.intern.pk}/", {"facts": "Absences aux gardes"})
    case = DisciplinaryCase.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/discipline/{case.pk}/")
    step(director, case, "file", on="2026-03-02")
    page = step(director, case, "hearing", on="2026-03-08", **HOUR_AND_ROOM).content.decode()
    assert "09/03/2026" in page and DisciplinaryCase.objects.get().hearing_on is None  # refused, says why
    step(director, case, "hearing", on="2026-03-09", **HOUR_AND_ROOM)
    step(director, case, "refer", on="2026-03-05", rapporteur="Pr Amrani")
    step(director, case, "opinion", on="2026-03-20", sanction="temporary_exclusion", start="2026-04-01", end="2026-04-30")
    page = step(ministry, case, "sign", on="2026-03-25", sanction="definitive_exclusion", ref="Arrêté 12").content.decode()
    assert "plus lourde" in page
    step(ministry, case, "sign", on="2026-03-25", sanction="temporary_exclusion", start="2026-04-01",
         end="2026-04-15", ref="Arrêté 12")
    case.refresh_from_db()
    assert case.state == "decided" and StipendStop.objects.get(status=w.intern).end_date == D(2026, 4, 15)
    page = director.get(f"/discipline/{case.pk}/").content.decode()
    assert "Pr El Fassi" in page and "Journal intègre" in page
    drawn = DisciplinaryCase.objects.get().committee["representatives"]
    from residanat.people.models import Person
    assert all(Person.objects.get(pk=int(pk)).full_name in page for pk in drawn)
    listing = director.get("/discipline/").content.decode()
    assert w.intern.person.full_name in listing


def test_the_person_reads_the_file_only_once_opened_and_each_reading_is_logged(w, verified_client):
    director = verified_client(w.director)
    case = w.case()
    step(director, case, "explanation", on="2026-03-03")
    me = trainee_client(w.trainee)
    page = me.get(f"/discipline/{case.pk}/").content.decode()
    assert "Absences répétées" not in page and "Vos explications écrites" in page
    assert not CaseEvent.objects.filter(case=case, kind="file_read").exists()
    step(me, case, "answer", on="2026-03-04", text="J'étais de garde ailleurs.")
    assert DisciplinaryCase.objects.get().explanation == "J'étais de garde ailleurs."
    step(director, case, "file", on="2026-03-05")
    page = me.get(f"/ar/discipline/{case.pk}/").content.decode()
    assert 'dir="rtl"' in page and "Absences répétées" in page
    assert CaseEvent.objects.filter(case=case, kind="file_read", actor=w.trainee.username).count() == 1
    # The person takes no office step.
    step(me, case, "hearing", on="2026-03-20", **HOUR_AND_ROOM)
    assert DisciplinaryCase.objects.get().hearing_on is None


def test_a_case_outside_the_scope_is_not_found(w, verified_client):
    case = w.case()
    stranger = trainee_client(user_with_role(Role.TRAINEE))
    assert stranger.get(f"/discipline/{case.pk}/").status_code == 404
    assert stranger.post(f"/discipline/{case.pk}/etapes/answer/", {"on": "2026-03-04", "text": "x"}).status_code == 404
    other_director = verified_client(World().director)
    assert other_director.get(f"/discipline/{case.pk}/").status_code == 404
    assert other_director.get(f"/discipline/ouvrir/{w.intern.pk}/").status_code == 404
    head = verified_client(user_with_role(Role.HEAD_OF_SERVICE, service=w.service))
    assert head.get(f"/discipline/{case.pk}/").status_code == 200
    assert head.get(f"/discipline/ouvrir/{w.intern.pk}/").status_code == 403


@pytest.mark.pdf
def test_the_convocation_and_the_decision_letters_in_french_and_arabic(w, verified_client):
    import subprocess
    director = verified_client(w.director)
    case = w.case()
    assert director.get(f"/discipline/{case.pk}/lettres/convocation.pdf").status_code == 409
    today = timezone.localdate()
    hearing = today + dt.timedelta(days=10)
    step(director, case, "file", on=today.isoformat())
    step(director, case, "hearing", on=hearing.isoformat(), **HOUR_AND_ROOM)
    numbers = set()
    for lang, words in (("fr", "convoqué"), ("ar", "RSD-")):
        for _ in range(2):  # downloaded twice: the same document, issued when the hearing was fixed
            response = director.get(f"/discipline/{case.pk}/lettres/convocation.pdf?lang={lang}")
            assert response.status_code == 200 and response.content.startswith(b"%PDF")
            numbers.add((lang, response["Content-Disposition"]))
        text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True).stdout.decode()
        # Issue 18 item 5: the day, the hour and the place of the hearing, and its own issue date.
        assert words in text and hearing.strftime("%d/%m/%Y") in text and "09:30" in text
        assert "Salle du conseil" in text and today.strftime("%d/%m/%Y") in text
    assert len(numbers) == 2
    past = DisciplinaryCase.objects.get(pk=case.pk)
    past.hearing_on = D(2026, 3, 10)  # as if recorded after the day: no convocation then
    past.save()
    other = w.case(w.peers[0])
    step(director, other, "file", on="2026-03-02")
    step(director, other, "hearing", on="2026-03-10", **HOUR_AND_ROOM)
    refused = director.get(f"/discipline/{other.pk}/lettres/convocation.pdf?lang=fr")
    assert refused.status_code == 409 and "10/03/2026" in refused.content.decode()
    assert director.get(f"/discipline/{case.pk}/lettres/decision.pdf").status_code == 409
    step(director, case, "explanation", on="2026-03-03")
    step(director, case, "head", on="2026-03-04", text="—")
    step(director, case, "sign", on="2026-03-12", sanction="warning", ref="Décision 7")
    for lang, words in (("fr", "Avertissement"), ("ar", "الإنذار")):
        response = director.get(f"/discipline/{case.pk}/lettres/decision.pdf?lang={lang}")
        text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True).stdout.decode()
        assert response.status_code == 200 and words.lower() in text.lower() and "Décision 7" in text


def test_a_piece_joins_the_file_checked_by_its_content_and_the_person_reads_it_once_opened(w, verified_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    director = verified_client(w.director)
    case = w.case()
    fake = SimpleUploadedFile("rapport.pdf", b"not a pdf at all", content_type="application/pdf")
    page = director.post(f"/discipline/{case.pk}/pieces/", {"file": fake}, follow=True).content.decode()
    assert "contenu a été vérifié" in page and not case.documents.exists()
    pdf = SimpleUploadedFile("rapport.pdf", b"%PDF-1.4\n% demo report\n", content_type="application/pdf")
    director.post(f"/discipline/{case.pk}/pieces/", {"file": pdf})
    piece = case.documents.get()
    assert piece.original_name == "rapport.pdf" and case.events.filter(kind="document_added",
                                                                       payload__sha256=piece.sha256).exists()
    me = trainee_client(w.trainee)
    url = f"/discipline/{case.pk}/pieces/{piece.pk}/"
    assert me.get(url).status_code == 404  # not yet opened to them
    step(director, case, "file", on="2026-03-02")
    response = me.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert case.events.filter(kind="file_read").count() == 1
    trainee = trainee_client(w.trainee)
    assert trainee.post(f"/discipline/{case.pk}/pieces/", {"file": pdf}).status_code == 302
    assert case.documents.count() == 1  # the person adds no piece


def test_the_dean_records_the_faculty_councils_nomination_used_by_the_next_referral(w, verified_client):
    dean = verified_client(w.dean)
    data = {"faculty": w.faculty.pk, "year": 2027, "decision_ref": "Conseil 2/2026",
            "member1": "Pr A", "member2": "Pr B", "member3": "Pr C", "member2_service": w.service.pk,
            "alternate1": "Pr D", "alternate2": "Pr E", "alternate3": "Pr A"}
    page = dean.post("/discipline/commission/", data, follow=True).content.decode()
    assert "une fois" in page and not CommitteeNomination.objects.filter(year=2027).exists()
    dean.post("/discipline/commission/", {**data, "alternate3": "Pr F"})
    nomination = CommitteeNomination.objects.get(year=2027)
    assert nomination.members[1] == {"name": "Pr B", "service": w.service.pk}
    case = cases.do_open_file(w.director, w.case(), D(2027, 3, 1))
    case = cases.do_refer_to_committee(w.director, case, D(2027, 3, 2))
    assert case.committee["members"] == ["Pr A", "Pr D", "Pr C"]  # Pr B works in the intern's service
    assert verified_client(w.director).get("/discipline/commission/").status_code == 403
    assert verified_client(World().dean).post("/discipline/commission/", {**data, "alternate3": "Pr F"}).status_code == 200
    assert CommitteeNomination.objects.filter(year=2027).count() == 1  # another faculty's dean: not in their list


def test_a_refused_hearing_keeps_what_was_typed(w, verified_client):
    """Issue 18 item 5: the hearing form asks the hour and the place; a refusal shows the form
    again, open, with the date, hour and place typed."""
    director = verified_client(w.director)
    case = w.case()
    step(director, case, "file", on="2026-03-02")
    response = director.post(f"/discipline/{case.pk}/etapes/hearing/",
                             {"on": "2026-03-08", "time": "14:15", "place": "Amphithéâtre B"})
    page = response.content.decode()
    assert response.status_code == 400 and "09/03/2026" in page
    assert 'value="2026-03-08"' in page and 'value="14:15"' in page and 'value="Amphithéâtre B"' in page
    response = director.post(f"/discipline/{case.pk}/etapes/hearing/", {"on": "2026-03-09", "place": "Amphithéâtre B"})
    assert response.status_code == 400 and "l&#x27;heure et le lieu" in response.content.decode()
    assert DisciplinaryCase.objects.get().hearing_on is None


def test_a_refused_opinion_keeps_its_date_and_sanction_with_the_error_at_the_top_of_its_form(w, verified_client):
    """Issue 25 item 1: a proposed temporary exclusion without its last day is refused; the form
    comes back open with the date and the sanction typed (not today and "avertissement"), the
    reason at the top of that form."""
    director = verified_client(w.director)
    case = w.case()
    step(director, case, "file", on="2026-03-02")
    step(director, case, "hearing", on="2026-03-09", **HOUR_AND_ROOM)
    step(director, case, "refer", on="2026-03-05", rapporteur="Pr Amrani")
    response = director.post(f"/discipline/{case.pk}/etapes/opinion/",
                             {"on": "2026-03-20", "sanction": "temporary_exclusion", "start": "2026-04-01"})
    assert response.status_code == 400
    form = form_with_errors(response.content.decode())
    assert form.action.endswith("/etapes/opinion/") and form.first == "summary"
    assert "premier et son dernier jour" in form.summary
    assert shows(form, "on", "2026-03-20") and shows(form, "sanction", "temporary_exclusion")
    assert shows(form, "start", "2026-04-01")
    response = director.post(f"/discipline/{case.pk}/etapes/opinion/", {"on": "20/13/2026", "sanction": "reprimand"})
    form = form_with_errors(response.content.decode())
    assert shows(form, "on", "20/13/2026") and shows(form, "sanction", "reprimand")
