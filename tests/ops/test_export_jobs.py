"""Excel exports over a few hundred rows are written by the worker (issue 22 item 2): the GET queues a
job (the same one for a second click), its page offers the file once written, to the readers of the
page that offers the export; a job stopped midway and retried leaves one file."""

import datetime as dt
import io

import pytest
from django.core.files.storage import default_storage
from openpyxl import load_workbook

from residanat.accounts.roles import Role
from residanat.concours import publication
from residanat.concours.models import Competition
from residanat.documents import export_jobs
from residanat.ops.jobs import do_retry_job
from residanat.ops.models import Job
from tests.accounts.factories import user_with_role
from tests.choice.test_results import Closed
from tests.concours.factories import CandidateFactory, CompetitionFactory
from tests.concours.merit_world import typical
from tests.deployment.world import DeploymentWorld
from tests.ops.helpers import run_queued_jobs, run_worker
from tests.referential.factories import FacultyFactory


def _rows(content):
    return list(load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True))


def _queued_then_done(client, url):
    """GET the export: a job page, queued; the worker runs it; the file, from the job page's link."""
    response = client.get(url)
    assert response.status_code == 302, (response.status_code, response.get("Location"))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/taches/{job.pk}/"
    assert client.get(url)["Location"] == f"/taches/{job.pk}/"  # a second click: the same job
    assert "En attente" in client.get(f"/taches/{job.pk}/").content.decode()
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.result_url == f"/taches/{job.pk}/fichier/"
    assert f'href="/taches/{job.pk}/fichier/"' in client.get(f"/taches/{job.pk}/").content.decode()
    download = client.get(job.result_url)
    assert download["Cache-Control"] == "private, no-store"
    return job, b"".join(download.streaming_content)


@pytest.mark.django_db(transaction=True)  # the worker takes SQLite's exclusive lock: no outer transaction
def test_the_choice_results_export_is_written_by_the_worker_for_the_sessions_staff(monkeypatch, verified_client):
    monkeypatch.setattr(export_jobs, "SYNC_ROWS", 1)
    state = Closed()
    job, content = _queued_then_done(verified_client(state.world.dean), f"/choix/{state.slug}/resultats/liste.xlsx?lang=fr")
    assert {"R0001", "R0004"} <= {row[1] for row in _rows(content)}
    assert job.result_file.endswith(f"affectations-{state.slug}-fr.xlsx")
    # A laureate of the session does not read the office's export, nor its job.
    laureate = verified_client(state.laureate_user)
    assert laureate.get(f"/taches/{job.pk}/").status_code == 404
    assert laureate.get(job.result_url).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_jury_merit_list_export_is_written_by_the_worker_for_the_competitions_staff(monkeypatch, verified_client):
    monkeypatch.setattr(export_jobs, "SYNC_ROWS", 1)
    world = typical()
    world.publish()
    staff = user_with_role(Role.DEAN_OFFICE, faculty=world.competition.faculty)
    job, content = _queued_then_done(verified_client(staff), f"/concours/{world.competition.slug}/classement/liste.xlsx")
    assert "BENNANI" in str(_rows(content))
    # The staff of another faculty neither read the jury's list nor its job.
    stranger = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=FacultyFactory()))
    assert stranger.get(f"/taches/{job.pk}/").status_code == 404 and stranger.get(job.result_url).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_candidates_export_is_written_by_the_worker_for_the_person_who_asked_only(monkeypatch, verified_client):
    monkeypatch.setattr(export_jobs, "SYNC_ROWS", 0)
    competition = CompetitionFactory(state=Competition.State.REGISTRATION_OPEN,
                                     registration_closes_on=dt.date(2026, 11, 30))
    for number in ("R26-0001", "R26-0002", "R26-0003"):
        CandidateFactory(competition=competition, number=number)
    dean = user_with_role(Role.DEAN_OFFICE, faculty=competition.faculty)
    job, content = _queued_then_done(verified_client(dean), f"/concours/{competition.slug}/candidats/export.xlsx?q=0002")
    assert [row[0] for row in _rows(content)[1:]] == ["R26-0002"]  # filtered as the list was
    # Built with the rights and the filters of the person who asked: theirs only, even for a colleague.
    colleague = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=competition.faculty))
    assert colleague.get(f"/taches/{job.pk}/").status_code == 404 and colleague.get(job.result_url).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_deployment_report_export_is_written_by_the_worker_for_the_staff(monkeypatch, verified_client):
    monkeypatch.setattr(export_jobs, "SYNC_ROWS", 0)
    w = DeploymentWorld()
    w.post("Tanger", w.anaesthesia)
    reader = user_with_role(Role.HIGHER_EDUCATION_OFFICER)
    job, content = _queued_then_done(verified_client(w.ministry), "/deploiement/2026/tableaux.xlsx")
    assert len(load_workbook(io.BytesIO(content)).worksheets) == 7
    assert verified_client(reader).get(job.result_url).status_code == 200  # another reader of the campaign's pages
    assert verified_client(user_with_role(Role.TRAINEE)).get(job.result_url).status_code == 404


@pytest.mark.django_db
def test_an_export_stopped_midway_and_retried_leaves_one_file(monkeypatch, verified_client):
    monkeypatch.setattr(export_jobs, "SYNC_ROWS", 0)
    w = DeploymentWorld()
    w.post("Tanger", w.anaesthesia)
    client = verified_client(w.ministry)
    real = export_jobs.workbook_bytes
    written = []

    def killed(sheets):  # the rows are read, the worker dies while writing the workbook
        written.append(real(sheets))
        raise RuntimeError("worker killed")

    monkeypatch.setattr(export_jobs, "workbook_bytes", killed)
    response = client.get("/deploiement/2026/tableaux.xlsx")
    assert response.status_code == 302, response
    run_queued_jobs()
    job = Job.objects.get()
    assert job.state == Job.State.FAILED and written and not job.result_file
    assert not default_storage.exists(f"taches/{job.pk}")
    monkeypatch.setattr(export_jobs, "workbook_bytes", real)
    do_retry_job(job)
    run_queued_jobs()
    do_retry_job(job)  # a done job is not run again by a retry
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert default_storage.listdir(f"taches/{job.pk}")[1] == ["affectation-specialistes-2026-fr.xlsx"]
