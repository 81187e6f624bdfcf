"""Background jobs (issue 22 item 2): Django's tasks API (the django-tasks backport, database
backend) runs them in `residanat worker`; `Job` rows say how far each got, for any server process.

An app declares what a job does with `@job_kind("app.name", label=..., readers=...)`, a function
`(job, *args)` taking primary keys only (as pretix's tasks do), and starts it with `do_start_job`. The
function must be idempotent: a job killed midway, or retried, runs again from the start and must give
back what it already made. A kind that writes a run (`atomic=True`) commits its work and the job's
completion together: killed midway, nothing of it stays; done, it is never run again.

What a job page shows is read in its reader's language: the kind's `label(*args)`, the step and the
error as msgids with their parameters. Who may see it is the kind's `readers(user, *args)`: the rule
of the page that shows what the job makes (the person who started it and a superuser always).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_noop
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .heartbeat import ABANDONED_AFTER
from .models import Job

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kind:
    run: Callable
    label: Callable | None = None  # (*args) -> the job's title in the active language
    readers: Callable | None = None  # (user, *args) -> whether the user reads what the job makes
    atomic: bool = False
    opens: str = gettext_noop("Ouvrir le résultat")  # the link to the result, a msgid


KINDS: dict[str, Kind] = {}
FAILED = gettext_noop("La tâche a échoué ; réessayez.")


def job_kind(name: str, *, label: Callable | None = None, readers: Callable | None = None, atomic: bool = False,
             opens: str = Kind.opens):
    def register(function):
        KINDS[name] = Kind(function, label, readers, atomic, opens)
        return function
    return register


# --- what a page shows of a job, in its reader's language ----------------------------------------

def _text(msgid: str, params) -> str:
    text = gettext(msgid) if msgid else ""
    try:
        return text % params if params else text
    except (KeyError, TypeError, ValueError):
        return text


def job_title(job: Job) -> str:
    kind = KINDS.get(job.kind)
    if kind is not None and kind.label is not None:
        try:
            return str(kind.label(*job.args))
        except (ObjectDoesNotExist, LookupError, TypeError, ValueError):
            pass  # what it made is gone: the label it was started with
    return gettext(job.label)


def job_opens(job: Job) -> str:
    if job.result_file:
        return gettext("Télécharger le fichier")
    kind = KINDS.get(job.kind)
    return gettext(kind.opens if kind is not None else Kind.opens)


def job_step(job: Job) -> str:
    return _text(job.step, job.step_params)


def job_error(job: Job) -> str:
    if job.error_messages:
        return " ".join(_text(msgid, params) for msgid, params in job.error_messages)
    return gettext(job.error) if job.error else ""


def can_read(job: Job, user) -> bool:
    """One rule: the person who started it, a superuser, and the readers of what it makes."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or (job.started_by_id is not None and job.started_by_id == user.pk):
        return True
    kind = KINDS.get(job.kind)
    if kind is None or kind.readers is None:
        return False
    try:
        return bool(kind.readers(user, *job.args))
    except ObjectDoesNotExist:
        return False


def store_result_file(job: Job, filename: str, content: bytes) -> str:
    """Keep the file a job made (an export) for its readers; returns the URL that downloads it.
    Run again, the job replaces its own file: one file per job."""
    name = f"taches/{job.pk}/{filename}"
    if default_storage.exists(name):
        default_storage.delete(name)
    job.result_file = default_storage.save(name, ContentFile(content))
    return reverse("ops:job-file", args=[job.pk])


def do_start_job(kind: str, *args, key: str, label: str, by=None, total: int | None = None) -> Job:
    """Queue `kind(job, *args)` unless a job for `key` is already queued or running: then that one."""
    if kind not in KINDS:
        raise LookupError(f"no job kind {kind!r}")
    label = str(label)
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
            Job.objects.filter(pk=job.pk).update(state=Job.State.QUEUED, error="", error_messages=[], done=0, step="",
                                                 step_params={}, finished_at=None, updated_at=timezone.now())
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


def do_record_progress(job: Job, done: int, total: int | None = None, step: str = "",
                       step_params: dict | None = None) -> None:
    """How far the job got: "n of N" and its step (a msgid marked with gettext_noop, with its
    parameters). It also tells that the job is alive (its `updated_at`: see do_requeue_abandoned).
    Written at once, outside the job's own transaction where the database allows another writer
    (PostgreSQL), so that a page polling elsewhere sees it."""
    job.done = done
    if step:
        job.step, job.step_params = str(step), {k: str(v) for k, v in (step_params or {}).items()}
    if total is not None:
        job.total = total
    job.updated_at = timezone.now()
    fields = {"done": job.done, "total": job.total, "step": job.step, "step_params": job.step_params,
              "updated_at": job.updated_at}
    # Within the transaction of an atomic kind (do_run_job marks the job), elsewhere where the
    # database allows another writer; else (SQLite) in it, seen once it commits.
    if getattr(job, "in_transaction", False) and connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
        _update_elsewhere(job.pk, fields)
    else:
        Job.objects.filter(pk=job.pk).update(**fields)


def _update_elsewhere(pk: int, fields: dict) -> None:
    """The job's row through a connection of its own, committed at once. Best effort: the row is
    never locked by the job's transaction (only _finish writes it there, at the very end), and a
    progress that cannot be written within a second is skipped rather than waited for."""
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        columns = ", ".join(f"{other.ops.quote_name(Job._meta.get_field(name).column)} = %s" for name in fields)
        values = [json.dumps(v) if name == "step_params" else v for name, v in fields.items()]
        with other.cursor() as cursor:
            cursor.execute("SET lock_timeout = '1s'")
            cursor.execute(f"UPDATE {other.ops.quote_name(Job._meta.db_table)} SET {columns} WHERE id = %s",
                           [*values, pk])
    except Exception:  # progress is a courtesy to the page; the job goes on
        logger.warning("progress of job %s not written", pk, exc_info=True)
    finally:
        other.close()


def do_requeue_abandoned(now=None, own: str = "") -> int:
    """Queue again the jobs left in the middle (worker killed, machine down): a job says it is alive
    each time it records progress (its `updated_at`); silent for ABANDONED_AFTER, it is taken for
    abandoned. Their functions are idempotent, so running them from the start makes nothing twice.
    `own`: the id of the worker asking, between two jobs (so holding none): a job still marked as
    held by that id was left by an earlier life of the same worker (restarted under a fixed
    `--worker-id`), and is queued again at once, without waiting ABANDONED_AFTER."""
    stale = (now or timezone.now()) - ABANDONED_AFTER
    requeued = 0
    for result in DBTaskResult.objects.running().only("pk", "worker_ids", "started_at"):
        job = Job.objects.filter(task_id=str(result.pk)).only("updated_at").first()
        alive_at = job.updated_at if job is not None else result.started_at
        holder = result.worker_ids[-1] if result.worker_ids else ""
        left_by_itself = bool(own) and holder == own
        if not left_by_itself and alive_at is not None and alive_at > stale:
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
    """Why the last job for `key` failed, if it did (in the active language)."""
    job = latest_job(key)
    return job_error(job) if job is not None and job.state == Job.State.FAILED else ""


@task()
def do_run_job(job_id: int) -> None:
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.state == Job.State.DONE:
        return
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, updated_at=timezone.now())
    job.state = Job.State.RUNNING
    logger.info("job %s (%s) started", job.pk, job.kind)
    kind = KINDS[job.kind]
    try:
        if kind.atomic:
            # The run and the job's completion commit together (see the module's docstring).
            with transaction.atomic():
                job.in_transaction = True
                try:
                    _finish(job, Job.State.DONE, result_url=kind.run(job, *job.args) or "")
                finally:
                    job.in_transaction = False
        else:
            _finish(job, Job.State.DONE, result_url=kind.run(job, *job.args) or "")
    except ValidationError as error:
        _finish(job, Job.State.FAILED, error=" ".join(error.messages), messages=_messages(error))
    except Exception:  # the page shows the failure and offers a retry; the log keeps the reason
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(job, Job.State.FAILED, error=FAILED, messages=[[FAILED, {}]])
    else:
        logger.info("job %s (%s) done", job.pk, job.kind)


def _messages(error: ValidationError) -> list:
    """[[msgid, params], ...] of a refusal: translated again when a page shows it."""
    found = error.error_list if hasattr(error, "error_list") else [
        e for errors in error.error_dict.values() for e in errors]
    return [[str(e.message), {k: str(v) for k, v in (e.params or {}).items()}] for e in found]


def _finish(job: Job, state: str, *, error: str = "", messages=(), result_url: str = "") -> None:
    now = timezone.now()
    fields = {"state": state, "error": error, "error_messages": list(messages), "result_url": result_url,
              "result_file": job.result_file if state == Job.State.DONE else "", "finished_at": now,
              "updated_at": now}
    if state == Job.State.DONE and job.total is not None:
        fields["done"] = job.total
    Job.objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)
