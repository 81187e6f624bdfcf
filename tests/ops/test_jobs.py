"""Background jobs (issue 22 item 2): queued in the database, run by `residanat worker`, followed on
a page that any server process answers from the `Job` row."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

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


# Msgids of the catalogue, so that the test reads them in Arabic.
@jobs.job_kind("tests.refused", label=lambda: translation.gettext("Réessayer"))
def _refused(job):
    jobs.do_record_progress(job, 1, 2, gettext_noop("Calcul des lignes du mois"))
    raise ValidationError(gettext_noop("Vous ne tenez pas la paie de ce payeur."))


@jobs.job_kind("tests.shared", readers=lambda user, allowed_id: user.pk == allowed_id)
def _shared(job, allowed_id):
    return "/"


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
def test_only_the_person_who_started_a_job_sees_its_page_when_its_kind_names_no_readers():
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
    assert jobs.failure("fail") == job.error == jobs.FAILED
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
    # A worker claimed it, then was killed: the queue still says "running", and the job has
    # recorded nothing for longer than a job may stay silent.
    DBTaskResult.objects.get(pk=job.task_id).claim("killed-worker")
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING,
                                         updated_at=timezone.now() - heartbeat.ABANDONED_AFTER - dt.timedelta(seconds=1))
    RUNS.clear()
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.DONE and RUNS == [job.pk]
    assert DBTaskResult.objects.get(pk=job.task_id).worker_ids[0] == "killed-worker"


@pytest.mark.django_db
def test_a_job_running_longer_than_the_abandon_delay_is_left_to_its_worker_while_it_records_progress():
    from django_tasks_db.models import DBTaskResult

    job = jobs.do_start_job("tests.count", 2, key="count", label="Compter")
    result = DBTaskResult.objects.get(pk=job.task_id)
    result.claim("busy-worker")
    # Its worker, busy for 25 minutes, has not beaten since it took the job: the job's progress speaks.
    started = timezone.now() - dt.timedelta(minutes=25)
    DBTaskResult.objects.filter(pk=result.pk).update(started_at=started)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, created_at=started, updated_at=started)
    jobs.do_record_progress(job, 1, 2)
    later = timezone.now() + heartbeat.ABANDONED_AFTER - dt.timedelta(seconds=5)
    assert jobs.do_requeue_abandoned(now=later) == 0
    # Silent past the delay since that progress: abandoned, queued again.
    assert jobs.do_requeue_abandoned(now=later + dt.timedelta(seconds=10)) == 1
    assert DBTaskResult.objects.get(pk=result.pk).status == "READY"


@pytest.mark.django_db
def test_a_retry_while_another_job_makes_the_same_thing_gives_that_job():
    failed = Job.objects.create(kind="tests.fail", key="count", label="Compter", state=Job.State.FAILED,
                                error="non")
    running = jobs.do_start_job("tests.count", 1, key="count", label="Compter")
    assert jobs.do_retry_job(failed) == running
    assert Job.objects.get(pk=failed.pk).state == Job.State.FAILED


@pytest.mark.django_db
def test_the_job_page_reads_in_its_readers_language_whoever_started_it():
    owner = UserFactory()
    with translation.override("fr"):
        job = jobs.do_start_job("tests.refused", key="refused", label="Réessayer", by=owner)
        jobs.do_run_job.call(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.error == "Vous ne tenez pas la paie de ce payeur."
    client = Client()
    client.force_login(owner)
    french = client.get(f"/taches/{job.pk}/").content.decode().replace("&#x27;", "'")
    arabic = client.get(f"/ar/taches/{job.pk}/").content.decode()
    assert "Vous ne tenez pas la paie de ce payeur." in french and "<h1>Réessayer</h1>" in french
    with translation.override("ar"):
        refusal, title = translation.gettext(job.error), translation.gettext("Réessayer")
    assert refusal != job.error and refusal in arabic and f"<h1>{title}</h1>" in arabic
    assert "Vous ne tenez pas" not in arabic
    # The step, too: recorded as a msgid, read in the reader's language.
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, error="", error_messages=[])
    with translation.override("ar"):
        step = translation.gettext("Calcul des lignes du mois")
    assert step in client.get(f"/ar/taches/{job.pk}/").content.decode()


@pytest.mark.django_db
def test_the_readers_of_what_a_job_makes_see_its_page_by_the_kinds_rule():
    owner, reader, stranger = UserFactory(), UserFactory(), UserFactory()
    job = jobs.do_start_job("tests.shared", reader.pk, key="shared", label="Partager", by=owner)
    client = Client()
    for user, status in ((owner, 200), (reader, 200), (stranger, 404)):
        client.force_login(user)
        assert client.get(f"/taches/{job.pk}/").status_code == status
    assert Client().get(f"/taches/{job.pk}/").status_code == 302  # to the sign-in page
