"""Background jobs (issue 22 item 2): queued in the database, run by `residanat worker`, followed on
a page that any server process answers from the `Job` row."""

import pytest
from django.core.cache import cache
from django.test import Client

from residanat.ops import heartbeat, jobs
from residanat.ops.models import Job
from tests.accounts.factories import UserFactory
from tests.ops.helpers import run_worker

RUNS = []


@jobs.job_kind("tests.count")
def _count(job, upto):
    for done in range(1, upto + 1):
        jobs.do_record_progress(job, done, upto)
    RUNS.append(job.pk)
    return "/documents/"


@jobs.job_kind("tests.fail")
def _fail(job):
    RUNS.append(job.pk)
    raise RuntimeError("the printer is on fire")


@pytest.mark.django_db(transaction=True)  # the worker takes SQLite's exclusive lock: no outer transaction
def test_the_worker_runs_a_queued_job_with_its_progress_and_beats_for_the_health_url():
    # The heartbeat lives in the shared cache, a table that tests with transaction=True neither roll
    # back nor flush: an earlier test's worker may have left one.
    cache.delete(heartbeat.KEY)
    user = UserFactory()
    job = jobs.do_start_job("tests.count", 3, key="count", label="Compter", by=user)
    assert Job.objects.get(pk=job.pk).state == Job.State.QUEUED and job.task_id
    assert Client().get("/sante/").json()["worker"]["status"] == "absent"
    run_worker()
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.result_url) == (Job.State.DONE, 3, 3, "/documents/")
    assert job.finished_at is not None
    assert Client().get("/sante/").json()["worker"]["status"] == "ok"


@pytest.mark.django_db
def test_one_job_at_a_time_per_key():
    first = jobs.do_start_job("tests.count", 1, key="count", label="Compter")
    assert jobs.do_start_job("tests.count", 1, key="count", label="Compter") == first
    assert jobs.is_running("count") and not jobs.is_running("other")


@pytest.mark.django_db
def test_only_the_person_who_started_a_job_sees_its_page():
    owner, other = UserFactory(), UserFactory()
    job = Job.objects.create(kind="tests.count", args=[4], key="count", label="Compter", state=Job.State.RUNNING,
                             done=1, total=4, started_by=owner)
    client = Client()
    client.force_login(owner)
    page = client.get(f"/taches/{job.pk}/").content.decode()
    assert "1 sur 4" in page and 'hx-trigger="load delay:2s"' in page
    client.force_login(other)
    assert client.get(f"/taches/{job.pk}/").status_code == 404
    assert client.post(f"/taches/{job.pk}/reessayer/").status_code == 404


@pytest.mark.django_db
def test_a_failed_job_shows_its_error_and_the_office_retries_it():
    owner = UserFactory()
    job = jobs.do_start_job("tests.fail", key="fail", label="Échouer", by=owner)
    jobs.do_run_job.call(job.pk)  # what the worker calls
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and "réessayez" in job.error
    assert jobs.failure("fail") == job.error
    client = Client()
    client.force_login(owner)
    page = client.get(f"/taches/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert job.error in page.replace("&#x27;", "'") and "reessayer" in page
    first_task = job.task_id
    assert client.post(f"/taches/{job.pk}/reessayer/")["Location"] == f"/taches/{job.pk}/"
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED and job.error == "" and job.task_id != first_task


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_worker_died_midway_is_run_again_by_the_next_worker():
    from django_tasks_db.models import DBTaskResult

    job = jobs.do_start_job("tests.count", 2, key="count", label="Compter")
    # A worker claimed it, then was killed (no beat since): the queue still says "running".
    DBTaskResult.objects.get(pk=job.task_id).claim("killed-worker")
    RUNS.clear()
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.DONE and RUNS == [job.pk]
    assert DBTaskResult.objects.get(pk=job.task_id).worker_ids[0] == "killed-worker"


@pytest.mark.django_db
def test_a_job_held_by_a_worker_that_still_beats_is_left_to_it():
    from django_tasks_db.models import DBTaskResult

    from residanat.ops.heartbeat import record_worker_beat

    job = jobs.do_start_job("tests.count", 2, key="count", label="Compter")
    DBTaskResult.objects.get(pk=job.task_id).claim("busy-worker")
    record_worker_beat("busy-worker")
    assert jobs.do_requeue_abandoned() == 0


@pytest.mark.django_db
def test_a_retry_while_another_job_makes_the_same_thing_gives_that_job():
    failed = Job.objects.create(kind="tests.fail", key="count", label="Compter", state=Job.State.FAILED,
                                error="non")
    running = jobs.do_start_job("tests.count", 1, key="count", label="Compter")
    assert jobs.do_retry_job(failed) == running
    assert Job.objects.get(pk=failed.pk).state == Job.State.FAILED
