"""Pages of the monthly payroll runs, in French and in Arabic (RTL): the list and opening a month,
a run's page (audit trail, totals, the actions each user may take and why one is missing), its
lines and its differences with the month before; open → compute → approve by a second person →
close end to end, the refusals that change nothing, and the scope (404 outside it, 403 to whoever
sees but may not act). Runs on SQLite and PostgreSQL."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from residanat.accounts.roles import Role
from residanat.careers.models import Leave
from residanat.payroll import runs, views_runs
from residanat.payroll.models import PayLine, PayrollRun, StipendStop
from residanat.ops.jobs import do_retry_job
from residanat.ops.models import Job
from residanat.payroll.runs import do_approve_run, do_compute_run, do_open_run
from tests.accounts.factories import user_with_role
from tests.ops.helpers import run_queued_jobs, run_worker
from tests.payroll.world import PayrollWorld
from tests.referential.factories import HospitalCentreFactory

D = dt.date
pytestmark = pytest.mark.django_db




def chu(world):
    return {"payer": "CHU", "hospital_centre": world.centre}


def messages_of(response) -> str:
    return " | ".join(str(m) for m in response.context["messages"])


def text(response) -> str:
    return response.content.decode()


# --- who gets in -------------------------------------------------------------------------------

def test_roles_that_do_not_read_the_payroll_get_403_and_anonymous_the_login(world, verified_client):
    run = do_open_run(world.officer, D(2026, 1, 1), "MSPS")
    dean = user_with_role(Role.DEAN_OFFICE, faculty=world.faculty)
    trainee = user_with_role(Role.TRAINEE)
    for user in (dean, trainee):
        client = verified_client(user)
        for path in ("/paie/", f"/paie/{run.pk}/", f"/paie/{run.pk}/lignes/", f"/paie/{run.pk}/differences/"):
            assert client.get(path).status_code == 403, (user, path)
        assert client.post(f"/paie/{run.pk}/calculer/").status_code == 403
    response = Client().get("/paie/")
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
    assert PayrollRun.objects.get().state == "open"


def test_a_run_outside_the_scope_answers_404_and_an_action_not_allowed_403(world, verified_client):
    world.status("resident")
    ministry_run = do_open_run(world.officer, D(2026, 1, 1), "MSPS")
    other_centre = HospitalCentreFactory()
    other_run = do_open_run(world.officer, D(2026, 1, 1), "CHU", hospital_centre=other_centre)
    own_run = do_open_run(world.chu_officer, D(2026, 1, 1), **chu(world))
    director = verified_client(world.director)
    officer = verified_client(world.chu_officer)
    for client in (director, officer):
        for run in (ministry_run, other_run):
            assert client.get(f"/paie/{run.pk}/").status_code == 404
            assert client.get(f"/paie/{run.pk}/lignes/").status_code == 404
            assert client.get(f"/paie/{run.pk}/differences/").status_code == 404
            assert client.post(f"/paie/{run.pk}/calculer/").status_code == 404
        assert client.get(f"/paie/{own_run.pk}/").status_code == 200
    # The director sees the centre's run but does not compute it, and opens no run.
    assert director.post(f"/paie/{own_run.pk}/calculer/").status_code == 403
    assert director.post(f"/paie/{own_run.pk}/cloturer/").status_code == 403
    assert director.post("/paie/ouvrir/", {"month": "2026-02", "payer": f"CHU:{world.centre.pk}"}).status_code == 403
    # The Ministry's administrator approves the Ministry's runs, not a centre's.
    ministry = verified_client(world.ministry)
    assert ministry.post(f"/paie/{own_run.pk}/approuver/").status_code == 403
    assert ministry.post(f"/paie/{ministry_run.pk}/calculer/").status_code == 403
    assert PayrollRun.objects.filter(state="open").count() == 3


def test_the_list_shows_the_runs_in_scope_newest_first_with_filters(world, verified_client):
    world.status("intern")
    world.status("resident")
    january = world.closed(D(2026, 1, 1))
    february = do_open_run(world.officer, D(2026, 2, 1), "MSPS")
    centre_run = do_open_run(world.chu_officer, D(2026, 1, 1), **chu(world))
    national = verified_client(world.officer)
    page = national.get("/paie/")
    assert [r.pk for r in page.context["page"]] == [february.pk, centre_run.pk, january.pk]
    assert "Ministère de la Santé" in text(page) and world.centre.name_fr in text(page)
    closed_only = national.get("/paie/?state=closed")
    assert [r.pk for r in closed_only.context["page"]] == [january.pk]
    by_payer = national.get(f"/paie/?payer=CHU:{world.centre.pk}")
    assert [r.pk for r in by_payer.context["page"]] == [centre_run.pk]
    # HTMX asks for the table only.
    partial = national.get("/paie/?state=closed", HTTP_HX_REQUEST="true")
    assert "<html" not in text(partial) and f"/paie/{january.pk}/" in text(partial)
    director = verified_client(world.director).get("/paie/")
    assert [r.pk for r in director.context["page"]] == [centre_run.pk]
    assert director.context["open_form"] is None


def test_the_list_is_paginated(world, verified_client, monkeypatch):
    monkeypatch.setattr(views_runs, "RUN_PAGE_SIZE", 2)
    for month in (1, 2):
        world.closed(D(2026, month, 1))
    do_open_run(world.officer, D(2026, 3, 1), "MSPS")
    client = verified_client(world.officer)
    first, second = client.get("/paie/"), client.get("/paie/?page=2")
    assert [r.month.month for r in first.context["page"]] == [3, 2]
    assert [r.month.month for r in second.context["page"]] == [1]
    assert "page=2" in text(first)


def test_the_open_form_offers_the_payers_the_user_keeps(world, verified_client):
    national = verified_client(world.officer).get("/paie/").context["open_form"]
    keys = [key for key, _label in national.fields["payer"].choices]
    assert "MSPS" in keys and f"CHU:{world.centre.pk}" in keys and f"GST:{world.group.pk}" in keys
    centre = verified_client(world.chu_officer).get("/paie/").context["open_form"]
    assert [key for key, _label in centre.fields["payer"].choices] == [f"CHU:{world.centre.pk}"]


# --- the actions end to end --------------------------------------------------------------------

def test_open_compute_approve_by_a_second_person_and_close(world, verified_client):
    intern = world.status("intern")
    officer, second = verified_client(world.officer), verified_client(world.second_officer)
    response = officer.post("/paie/ouvrir/", {"month": "2026-01", "payer": "MSPS"})
    run = PayrollRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/paie/{run.pk}/"
    assert (run.month, run.payer, run.opened_by) == (D(2026, 1, 1), "MSPS", world.officer)

    # Computing is a background job: the POST sends to its page, queued until the worker runs it.
    response = officer.post(f"/paie/{run.pk}/calculer/")
    job = Job.objects.get(key=f"payroll.compute_run:{run.pk}")
    assert response.status_code == 302 and response["Location"] == f"/taches/{job.pk}/"
    assert officer.post(f"/paie/{run.pk}/calculer/")["Location"] == f"/taches/{job.pk}/"  # a double click
    page = text(officer.get(f"/taches/{job.pk}/"))
    assert "Calcul de la paie de 01/2026" in page and "En attente" in page and 'hx-trigger="load delay:2s"' in page
    assert f"/taches/{job.pk}/" in text(officer.get(f"/paie/{run.pk}/"))  # the run's page links to it
    run.refresh_from_db()
    assert run.state == "open" and not run.lines.exists()
    run_queued_jobs()  # this test closes the run: not transactional, hence not the real worker (see below)
    page = text(officer.get(f"/taches/{job.pk}/"))
    assert "Terminé" in page and f'href="/paie/{run.pk}/"' in page and "hx-get" not in page
    response = officer.get(f"/paie/{run.pk}/")
    run.refresh_from_db()
    assert run.state == "computed" and run.computed_by == world.officer
    assert run.lines.filter(status=intern).count() == 2
    assert "1\u00a0800,00" in text(response) and run.total == Decimal("1800.00")
    # Four eyes: no approve button for the one who computed, and the page says why.
    assert response.context["can"]["approve"] is False
    assert "quatre yeux" in response.context["why"]["approve"]
    page = second.get(f"/paie/{run.pk}/")
    assert page.context["can"]["approve"] is True and f"/paie/{run.pk}/approuver/" in text(page)

    second.post(f"/paie/{run.pk}/approuver/")
    run.refresh_from_db()
    assert run.state == "approved" and run.approved_by == world.second_officer
    page = officer.get(f"/paie/{run.pk}/")
    assert page.context["can"]["close"] is True

    response = officer.post(f"/paie/{run.pk}/cloturer/", follow=True)
    run.refresh_from_db()
    assert run.state == "closed" and run.closed_by == world.officer
    assert response.context["can"] == {"compute": False, "approve": False, "close": False}
    # The audit trail: who did what, and the history of the run.
    signatures = {s["what"]: s["by"] for s in response.context["signatures"]}
    assert list(signatures.values()) == [world.officer, world.officer, world.second_officer, world.officer]
    assert [h.state for h in response.context["history"]] == ["open", "computed", "approved", "closed"]
    assert {h.history_user for h in response.context["history"]} == {world.officer, world.second_officer}


@pytest.mark.django_db(transaction=True)  # the worker takes SQLite's exclusive lock: no outer transaction
def test_the_worker_computes_the_run_and_the_readers_of_the_run_follow_the_job(world, verified_client):
    world.status("resident")
    run = do_open_run(world.chu_officer, D(2026, 1, 1), **chu(world))
    officer, director = verified_client(world.chu_officer), verified_client(world.director)
    job = Job.objects.get(pk=officer.post(f"/paie/{run.pk}/calculer/")["Location"].split("/")[-2])
    # The centre's director reads the run, so the job too; an officer of another centre does not.
    stranger = verified_client(user_with_role(Role.PAYROLL_OFFICER, hospital_centre=HospitalCentreFactory()))
    assert "En attente" in text(director.get(f"/taches/{job.pk}/"))
    assert stranger.get(f"/taches/{job.pk}/").status_code == 404
    run_worker()
    job.refresh_from_db()
    run.refresh_from_db()
    assert job.state == Job.State.DONE and job.result_url == f"/paie/{run.pk}/"
    assert (job.done, job.total) == (job.total, 3) and run.state == "computed" and run.lines.exists()
    assert run.history.order_by("history_date").last().history_user == world.chu_officer
    arabic = text(director.get(f"/ar/taches/{job.pk}/"))
    assert 'dir="rtl"' in arabic and "Calcul de la paie" not in arabic and f'href="/ar/paie/{run.pk}/"' in arabic


def test_a_computation_stopped_midway_leaves_nothing_and_its_retry_computes_once(world, monkeypatch):
    world.status("resident")
    world.status("intern")
    run = do_open_run(world.officer, D(2026, 1, 1), "MSPS")
    job = runs.do_start_compute(run, world.officer)
    calls = []

    def stopped(*args):  # the worker dies after the month's lines are priced, before they are written
        calls.append(args)
        raise RuntimeError("worker killed")

    monkeypatch.setattr(runs, "_insert", stopped)
    run_queued_jobs()
    job.refresh_from_db()
    run.refresh_from_db()
    assert calls and job.state == Job.State.FAILED
    assert run.state == "open" and not run.lines.exists() and run.computed_by is None
    monkeypatch.undo()
    do_retry_job(job)
    run_queued_jobs()
    job.refresh_from_db()
    run.refresh_from_db()
    assert job.state == Job.State.DONE and run.state == "computed"
    lines = list(run.lines.values_list("status", "code", "kind", "month_corrected"))
    assert len(lines) == 2 and len(set(lines)) == len(lines)  # the intern's two lines, once
    assert Job.objects.filter(key=job.key).count() == 1


def test_the_person_who_computed_cannot_approve_and_nothing_changes(world, verified_client):
    world.status("intern")
    run = do_compute_run(do_open_run(world.officer, D(2026, 1, 1), "MSPS"), world.officer)
    response = verified_client(world.officer).post(f"/paie/{run.pk}/approuver/", follow=True)
    assert response.redirect_chain == [(f"/paie/{run.pk}/", 302)]
    assert "approuvée par une autre personne" in messages_of(response)
    run.refresh_from_db()
    assert run.state == "computed" and run.approved_by is None


def test_a_month_out_of_sequence_is_refused_with_its_reason_and_creates_nothing(world, verified_client):
    world.closed(D(2026, 1, 1))
    client = verified_client(world.officer)
    response = client.post("/paie/ouvrir/", {"month": "2026-03", "payer": "MSPS"}, follow=True)
    assert response.redirect_chain == [("/paie/", 302)]
    assert "01/2026" in messages_of(response)
    assert PayrollRun.objects.count() == 1
    response = client.post("/paie/ouvrir/", {"month": "mars", "payer": "MSPS"}, follow=True)
    assert "Mois invalide" in messages_of(response) and PayrollRun.objects.count() == 1
    response = client.post("/paie/ouvrir/", {"month": "2026-02", "payer": "MSPS"})
    assert PayrollRun.objects.count() == 2 and response.status_code == 302


def test_a_payer_the_user_does_not_keep_is_refused(world, verified_client):
    response = verified_client(world.chu_officer).post("/paie/ouvrir/", {"month": "2026-01", "payer": "MSPS"},
                                                       follow=True)
    assert "Sélectionnez un choix valide" in messages_of(response)
    assert not PayrollRun.objects.exists()


def test_closing_a_run_changed_since_it_was_computed_is_refused_and_the_page_warns(world, verified_client):
    intern = world.status("intern")
    run = do_approve_run(do_compute_run(do_open_run(world.officer, D(2026, 1, 1), "MSPS"), world.officer),
                      world.second_officer)
    StipendStop.objects.create(status=intern, start_date=D(2026, 1, 20), end_date=D(2026, 1, 31),
                               decision_ref="Conseil 2/2026", recorded_by=world.officer)
    client = verified_client(world.officer)
    page = client.get(f"/paie/{run.pk}/")
    assert page.context["stale"] == ["une exclusion temporaire a été enregistrée"]
    assert "recalculée" in text(page) and page.context["can"]["close"] is False
    response = client.post(f"/paie/{run.pk}/cloturer/", follow=True)
    assert "recalculez" in messages_of(response)
    run.refresh_from_db()
    assert run.state == "approved" and run.closed_by is None


def test_a_centre_run_is_approved_by_its_director(world, verified_client):
    world.status("resident")
    run = do_compute_run(do_open_run(world.chu_officer, D(2026, 1, 1), **chu(world)), world.chu_officer)
    director = verified_client(world.director)
    page = director.get(f"/paie/{run.pk}/")
    assert page.context["can"] == {"compute": False, "approve": True, "close": False}
    director.post(f"/paie/{run.pk}/approuver/")
    run.refresh_from_db()
    assert run.state == "approved" and run.approved_by == world.director
    assert "gestionnaire de la paie" in director.get(f"/paie/{run.pk}/").context["why"]["close"]


# --- the run's page: totals and links ----------------------------------------------------------

def test_the_run_page_shows_totals_per_payer_establishment_and_status(world, verified_client):
    world.status("intern")
    world.status("extern", study_year=5, start=D(2025, 9, 1))
    ph = world.status("public_health_intern")
    world.terms(ph, housed=True)
    run = do_compute_run(do_open_run(world.officer, D(2026, 1, 1), "MSPS"), world.officer)
    page = verified_client(world.second_officer).get(f"/paie/{run.pk}/")
    totals = page.context["totals"]
    assert totals.overall.total == Decimal("3153.00") and totals.overall.trainees == 3
    assert {row.key: row.total for row in totals.by_status} == {
        "extern": Decimal("165.00"), "intern": Decimal("1800.00"), "public_health_intern": Decimal("1188.00")}
    assert {row.key: row.trainees for row in totals.by_establishment} == {world.hospital.pk: 2, world.ph_hospital.pk: 1}
    html = text(page)
    assert "3\u00a0153,00" in html and world.ph_hospital.name_fr in html and "interne des hôpitaux de santé publique" in html
    assert f"/paie/{run.pk}/lignes/" in html and f"/paie/{run.pk}/differences/" in html


def test_output_links_are_shown_only_for_urls_that_exist(world, verified_client, monkeypatch):
    run = do_open_run(world.officer, D(2026, 1, 1), "MSPS")
    monkeypatch.setattr(views_runs, "OUTPUTS", [("payroll:run-lines", "Lignes (lien de sortie)"),
                                                ("payroll:no-such-output", "Jamais")])
    page = verified_client(world.officer).get(f"/paie/{run.pk}/")
    assert page.context["outputs"] == [{"url": f"/paie/{run.pk}/lignes/", "label": "Lignes (lien de sortie)"}]
    assert "Jamais" not in text(page)


# --- the lines ---------------------------------------------------------------------------------

def test_the_lines_explain_themselves_and_adjustments_say_why(world, verified_client):
    intern = world.status("intern")
    world.closed(D(2026, 1, 1))
    StipendStop.objects.create(status=intern, start_date=D(2026, 1, 1), end_date=D(2026, 1, 10),
                               decision_ref="Conseil 1/2026", recorded_by=world.officer)
    february = do_compute_run(do_open_run(world.officer, D(2026, 2, 1), "MSPS"), world.officer)
    client = verified_client(world.officer)
    page = client.get(f"/paie/{february.pk}/lignes/")
    html = text(page)
    assert page.context["page"].paginator.count == 3  # D93 art. 30: no housing adjustment
    assert "Indemnité d&#x27;interne" in html and "Indemnité de logement de l&#x27;interne" in html
    assert "D93 art. 18" in html and "1\u00a0500,00" in html
    assert "exclusion temporaire enregistrée après la clôture" in html and 'déjà payé : <bdi dir="ltr" class="ltr">1\u00a0500,00</bdi>' in html
    assert "-483,87" in html and "01/2026" in html
    adjustments = client.get(f"/paie/{february.pk}/lignes/?kind=adjustment")
    assert {line.kind for line in adjustments.context["page"]} == {"adjustment"}
    assert adjustments.context["page"].paginator.count == 1


def test_the_lines_are_searched_filtered_and_paginated(world, verified_client, monkeypatch):
    monkeypatch.setattr(views_runs, "LINE_PAGE_SIZE", 3)
    intern = world.status("intern")
    extern = world.status("extern", study_year=4, start=D(2025, 9, 1))
    ph = world.status("public_health_intern")
    run = do_compute_run(do_open_run(world.officer, D(2026, 1, 1), "MSPS"), world.officer)
    client = verified_client(world.officer)

    def persons(query):
        page = client.get(f"/paie/{run.pk}/lignes/?{query}").context["page"]
        return {line.person_id for line in page.object_list}, page

    assert persons(f"q={intern.person.last_name}")[0] == {intern.person_id}
    assert persons("status_kind=extern")[0] == {extern.person_id}
    assert persons(f"establishment={world.ph_hospital.pk}")[0] == {ph.person_id}
    found, page = persons("")
    assert page.paginator.count == 5 and page.paginator.num_pages == 2 and len(page.object_list) == 3
    assert persons("page=2")[1].number == 2
    assert persons("status_kind=nonsense")[1].paginator.count == 5  # a wrong filter is ignored
    partial = client.get(f"/paie/{run.pk}/lignes/?status_kind=extern", HTTP_HX_REQUEST="true")
    assert "<html" not in text(partial) and extern.person.last_name.upper() in text(partial)


def test_the_cin_search_follows_who_may_read_it(world, verified_client):
    """Law 09-08: the CIN goes to the units that keep the file (people/queries.py); a payroll officer
    searches by name."""
    resident = world.status("resident")
    run = do_compute_run(do_open_run(world.chu_officer, D(2026, 1, 1), **chu(world)), world.chu_officer)
    cin = resident.person.national_id
    director = verified_client(world.director).get(f"/paie/{run.pk}/lignes/?q={cin}")
    assert director.context["page"].paginator.count == 1
    officer = verified_client(world.chu_officer).get(f"/paie/{run.pk}/lignes/?q={cin}")
    assert officer.context["page"].paginator.count == 0


# --- the differences page ----------------------------------------------------------------------

def test_the_differences_page_gives_totals_and_worded_reasons(world, verified_client):
    stopped = world.status("intern")
    ended = world.status("intern", end=D(2026, 1, 20))
    world.closed(D(2026, 1, 1))
    StipendStop.objects.create(status=stopped, start_date=D(2026, 2, 10), end_date=D(2026, 2, 19),
                               decision_ref="Conseil 3/2026", recorded_by=world.officer)
    started = world.status("intern", start=D(2026, 2, 15))
    february = do_compute_run(do_open_run(world.officer, D(2026, 2, 1), "MSPS"), world.officer)
    client = verified_client(world.officer)
    page = client.get(f"/paie/{february.pk}/differences/")
    html = text(page)
    # Decreases: the stop, 964.29 (18/28 days of 1,500) + 300 (D93 art. 30: the housing allowance goes on)
    # − 1,800; the end, 0 − 1,161.29 (20/31 days).
    assert page.context["summary"] == {"changed": 3, "increased": 1, "increase": Decimal("900.00"), "decreased": 2,
                                       "decrease": Decimal("-1697.00"), "started": 1, "ended": 1}
    assert "Entrée dans la paie : statut (interne) commencé le 15/02/2026" in html
    assert "Sortie de la paie : statut terminé le 20/01/2026" in html
    assert "jours payés 18/28 (mois précédent : 31/31)" in html
    assert "exclusion temporaire du 10/02/2026 au 19/02/2026 (Conseil 3/2026" in html
    assert {row.person.pk for row in page.context["page"]} == {
        stopped.person_id, ended.person_id, started.person_id}
    only_started = client.get(f"/paie/{february.pk}/differences/?reason=started")
    assert [row.person_id for row in only_started.context["page"]] == [started.person_id]
    arabic = client.get(f"/ar/paie/{february.pk}/differences/")
    assert arabic.status_code == 200 and 'dir="rtl"' in text(arabic)


def test_the_first_run_of_a_payer_says_there_is_no_previous_month(world, verified_client):
    world.status("intern")
    run = do_compute_run(do_open_run(world.officer, D(2026, 1, 1), "MSPS"), world.officer)
    page = verified_client(world.officer).get(f"/paie/{run.pk}/differences/")
    assert 'id="no-previous"' in text(page) and page.context["result"].previous is None


def test_an_open_run_has_no_differences_yet(world, verified_client):
    world.status("intern")
    world.closed(D(2026, 1, 1))
    february = do_open_run(world.officer, D(2026, 2, 1), "MSPS")
    page = verified_client(world.officer).get(f"/paie/{february.pk}/differences/")
    assert 'id="not-computed"' in text(page) and page.context["result"].rows == []


# --- Arabic ------------------------------------------------------------------------------------

def test_every_page_renders_in_arabic_right_to_left(world, verified_client):
    world.status("intern")
    january = world.closed(D(2026, 1, 1))
    february = do_compute_run(do_open_run(world.officer, D(2026, 2, 1), "MSPS"), world.officer)
    client = verified_client(world.second_officer)
    for path in ("/ar/paie/", f"/ar/paie/{february.pk}/", f"/ar/paie/{february.pk}/lignes/",
                 f"/ar/paie/{february.pk}/differences/", f"/ar/paie/{january.pk}/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert 'lang="ar" dir="rtl"' in text(response), path
    # An action from an Arabic page comes back to the Arabic page.
    response = client.post(f"/ar/paie/{february.pk}/approuver/")
    assert response["Location"] == f"/ar/paie/{february.pk}/"


# --- bounded queries on the pages --------------------------------------------------------------

def _world_with(n):
    world = PayrollWorld()
    unit = chu(world)
    residents = [world.status("resident") for _ in range(n)]
    world.closed(D(2026, 1, 1), **unit)
    for i, resident in enumerate(residents):
        StipendStop.objects.create(status=resident, start_date=D(2026, 2, 1 + i % 20), end_date=D(2026, 2, 3 + i % 20),
                                   decision_ref=f"C{i}", recorded_by=world.officer)
    Leave.objects.create(status=residents[0], kind="unpaid", start_date=D(2026, 2, 25), end_date=D(2026, 2, 26),
                         recorded_by=world.ministry)
    february = do_compute_run(do_open_run(world.officer, D(2026, 2, 1), **unit), world.officer)
    return world, february


def test_the_pages_queries_do_not_grow_with_the_number_of_trainees(verified_client):
    counts = {}
    for n in (5, 50):
        world, run = _world_with(n)
        for user in (world.officer, world.director):
            client = verified_client(user)
            for page in ("", "lignes/", "differences/"):
                client.get(f"/paie/{run.pk}/{page}")  # warm the session
                with CaptureQueriesContext(connection) as queries:
                    assert client.get(f"/paie/{run.pk}/{page}").status_code == 200
                counts.setdefault((user == world.director, page), []).append(len(queries))
        assert PayLine.objects.filter(run=run).count() == n
    assert all(small == large for small, large in counts.values()), counts


@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_rd68_ch_14_the_run_page_lists_a_month_not_priced_as_an_error_for_the_person(world, verified_client, prefix):
    """RD68 ch. 14 before 2025: decision 0001, "Mois non calculés", never paid 0."""
    seventh = world.status("seventh_year_intern_duties", start=D(2024, 9, 1), end=D(2025, 8, 31))
    run = do_compute_run(do_open_run(world.officer, D(2024, 12, 1), "MSPS"), world.officer)
    page = verified_client(world.officer).get(f"{prefix}/paie/{run.pk}/")
    html = text(page)
    assert page.status_code == 200 and 'id="problems"' in html
    # The person's name in the page's language (the Arabic one on an Arabic page, when recorded).
    name = (seventh.person.full_name_ar if prefix else "") or str(seventh.person)
    assert name in html and "seventh_year.lump_sum" in html and "RD68 ch. 14" in html
    assert ("2024-12" in html) and (("أشهر لم يتم احتسابها" in html) if prefix else ("Mois non calculés" in html))
