"""A deployment run is a background job (issue 22 item 2): the Ministry's POST queues it, the job's
page follows it and links to the run; stopped midway, it leaves no run; done, it is never run twice."""

import datetime as dt

import pytest

from residanat.accounts.roles import Role
from residanat.deployment import services
from residanat.deployment.models import Assignment, Run
from residanat.ops.jobs import do_retry_job, do_run_job
from residanat.ops.models import Job
from tests.accounts.factories import user_with_role
from tests.ops.helpers import run_queued_jobs, run_worker

from .world import DeploymentWorld


def _world():
    w = DeploymentWorld()
    tanger = w.post("Tanger", w.anaesthesia)
    first = w.specialist(w.anaesthesia, rank=1)
    services.do_set_wishes(first, [tanger.pk], w.ministry)
    return w, first, tanger


@pytest.mark.django_db(transaction=True)  # the worker takes SQLite's exclusive lock: no outer transaction
def test_the_simulation_button_queues_a_job_that_the_worker_runs(verified_client):
    w, first, tanger = _world()
    ministry = verified_client(w.ministry)
    response = ministry.post("/deploiement/2026/actions/simulation/")
    job = Job.objects.get(kind=services.RUN_JOB)
    assert response["Location"] == f"/taches/{job.pk}/"
    assert ministry.post("/deploiement/2026/actions/simulation/")["Location"] == f"/taches/{job.pk}/"
    # Another staff member reads the campaign's pages, so the job's; a trainee does not.
    reader = verified_client(user_with_role(Role.HIGHER_EDUCATION_OFFICER))
    page = reader.get(f"/taches/{job.pk}/").content.decode()
    assert "Répartition de simulation — 2026" in page and "En attente" in page and not Run.objects.exists()
    assert verified_client(user_with_role(Role.TRAINEE)).get(f"/taches/{job.pk}/").status_code == 404
    run_worker()
    job.refresh_from_db()
    run = Run.objects.get()
    assert job.state == Job.State.DONE and (job.done, job.total) == (3, 3)
    assert job.result_url == f"/deploiement/2026/repartitions/{run.pk}/"
    assert f'href="{job.result_url}"' in reader.get(f"/taches/{job.pk}/").content.decode()
    assert Assignment.objects.get(run=run).post == tanger


@pytest.mark.django_db
def test_a_run_stopped_midway_leaves_no_run_and_its_retry_makes_one(monkeypatch):
    w, first, tanger = _world()
    job = services.do_start_run_campaign(w.campaign, Run.Kind.WHAT_IF, w.ministry)

    def killed(*args, **kwargs):  # the run row is written, its assignments are not
        raise RuntimeError("worker killed")

    monkeypatch.setattr(services, "do_place", killed)
    run_queued_jobs()
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and not Run.objects.exists()
    monkeypatch.undo()
    do_retry_job(job)
    run_queued_jobs()
    do_run_job.call(job.pk)  # run again after it was done (a worker requeueing it): nothing more
    job.refresh_from_db()
    assert job.state == Job.State.DONE and Run.objects.count() == 1 and Assignment.objects.count() == 1


@pytest.mark.django_db
def test_a_run_that_cannot_be_made_is_refused_at_once_without_a_job(verified_client):
    w, first, tanger = _world()
    w.campaign.wishes_deadline = dt.date.today() + dt.timedelta(days=5)
    w.campaign.save()
    response = verified_client(w.ministry).post("/deploiement/2026/actions/definitive/", follow=True)
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "date limite des vœux" in shown and not Job.objects.exists()
