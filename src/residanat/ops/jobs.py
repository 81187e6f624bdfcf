"""Background jobs (issue 22 item 2): Django's tasks API (the django-tasks backport, database
backend) runs them in `residanat worker`; `Job` rows say how far each got, for any server process.

An app declares what a job does with `@job_kind("app.name")`, a function `(job, *args)` taking primary
keys only (as pretix's tasks do), and starts it with `do_start_job`. The function must be idempotent:
a job killed midway, or retried, runs again from the start and must give back what it already made.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .heartbeat import worker_is_alive

from .models import Job

logger = logging.getLogger(__name__)
KINDS: dict[str, callable] = {}


def job_kind(name: str):
    def register(function):
        KINDS[name] = function
        return function
    return register


def do_start_job(kind: str, *args, key: str, label: str, by=None, total: int | None = None) -> Job:
    """Queue `kind(job, *args)` unless a job for `key` is already queued or running: then that one."""
    if kind not in KINDS:
        raise LookupError(f"no job kind {kind!r}")
    job = Job.objects.active().filter(key=key).first()
    if job is not None:
        return job
    try:
        with transaction.atomic():
            job = Job.objects.create(kind=kind, args=list(args), key=key, label=label, total=total,
                                     started_by=by if by is not None and by.is_authenticated else None)
            _enqueue(job)
    except IntegrityError:  # started by someone else meanwhile (ops_job_one_active_per_key)
        return Job.objects.active().get(key=key)
    return job


def do_retry_job(job: Job) -> Job:
    """Run a failed job again, from the same arguments (its function reuses what was already made);
    if another job for the same key was started since, that one."""
    if job.state != Job.State.FAILED:
        return job
    try:
        with transaction.atomic():
            Job.objects.filter(pk=job.pk).update(state=Job.State.QUEUED, error="", done=0, step="", finished_at=None)
            job.refresh_from_db()
            _enqueue(job)
    except IntegrityError:
        return Job.objects.active().get(key=job.key)
    return job


def _enqueue(job: Job) -> None:
    # The queue's row is written in the same transaction as ours: both or neither.
    result = do_run_job.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.task_id = str(result.id)


def do_record_progress(job: Job, done: int, total: int | None = None, step: str = "") -> None:
    """Written at once, outside the job's own transaction, so that a page polling elsewhere sees it."""
    job.done, job.step = done, step or job.step
    if total is not None:
        job.total = total
    Job.objects.filter(pk=job.pk).update(done=job.done, total=job.total, step=job.step, updated_at=timezone.now())


def do_requeue_abandoned(own: str = "") -> int:
    """Queue again the jobs whose worker stopped in the middle (killed, machine down): it beats no
    more. Their functions are idempotent, so running them from the start makes nothing twice.
    `own`: the id of the worker asking, between two jobs (so holding none): a job still marked as
    held by that id was left by an earlier life of the same worker (restarted under a fixed
    `--worker-id`), and is queued again at once, without waiting for its beat to expire."""
    requeued = 0
    for result in DBTaskResult.objects.running().only("pk", "worker_ids"):
        holder = result.worker_ids[-1] if result.worker_ids else ""
        if holder and holder != own and worker_is_alive(holder):
            continue
        # Only if still running as read: another worker may be requeueing it too.
        requeued += DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY, started_at=None)
        logger.warning("task %s left by worker %s queued again", result.pk, (result.worker_ids or ["?"])[-1])
    return requeued


def latest_job(key: str) -> Job | None:
    return Job.objects.filter(key=key).first()


def is_running(key: str) -> bool:
    return Job.objects.active().filter(key=key).exists()


def failure(key: str) -> str:
    """Why the last job for `key` failed, if it did."""
    job = latest_job(key)
    return job.error if job is not None and job.state == Job.State.FAILED else ""


@task()
def do_run_job(job_id: int) -> None:
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.state == Job.State.DONE:
        return
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, updated_at=timezone.now())
    job.state = Job.State.RUNNING
    logger.info("job %s (%s) started", job.pk, job.kind)
    try:
        result_url = KINDS[job.kind](job, *job.args)
    except ValidationError as error:
        _finish(job, Job.State.FAILED, error=" ".join(error.messages))
    except Exception:  # the page shows the failure and offers a retry; the log keeps the reason
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(job, Job.State.FAILED, error=_("La préparation du document a échoué ; réessayez."))
    else:
        _finish(job, Job.State.DONE, result_url=result_url or "")
        logger.info("job %s (%s) done", job.pk, job.kind)


def _finish(job: Job, state: str, *, error: str = "", result_url: str = "") -> None:
    now = timezone.now()
    fields = {"state": state, "error": error, "result_url": result_url, "finished_at": now, "updated_at": now}
    if state == Job.State.DONE and job.total is not None:
        fields["done"] = job.total
    Job.objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)
