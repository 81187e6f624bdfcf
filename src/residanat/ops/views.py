"""A background job's page: its progress ("n of N" or its step), its result when done, its error
and a retry when failed. Read from the database, so any server process answers alike; shown to the
readers of what the job makes (jobs.can_read), in each reader's language."""

import mimetypes
from pathlib import PurePosixPath

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import translate_url
from django.conf import settings
from django.utils import translation
from django.views.decorators.http import require_POST

from .jobs import can_read, do_retry_job, job_error, job_opens, job_step, job_title
from .models import Job


def _job(request, pk) -> Job:
    job = get_object_or_404(Job, pk=pk)
    if not can_read(job, request.user):
        raise Http404
    return job


@login_required
def job(request, pk):
    job = _job(request, pk)
    template = "ops/job_poll.html" if request.htmx else "ops/job.html"
    return render(request, template, {"job": job, "title": job_title(job), "step": job_step(job),
                                      "error": job_error(job), "opens": job_opens(job),
                                      "result_url": _in_readers_language(job.result_url)})


def _in_readers_language(url: str) -> str:
    # The worker makes the link in the default language, without prefix; translate_url resolves it
    # in the active language, where an Arabic page would not find it (it wants /ar/): resolve it
    # in the language it was made in, reverse it in the reader's.
    reader = translation.get_language()
    with translation.override(settings.LANGUAGE_CODE):
        return translate_url(url, reader)


@login_required
@require_POST
def retry(request, pk):
    job = _job(request, pk)
    do_retry_job(job)
    return redirect("ops:job", pk=job.pk)


@login_required
def job_file(request, pk):
    """The file an export job made, to the readers of the page it exports (private: no shared
    cache keeps it)."""
    job = _job(request, pk)
    if job.state != Job.State.DONE or not job.result_file or not default_storage.exists(job.result_file):
        raise Http404
    name = PurePosixPath(job.result_file).name
    response = FileResponse(default_storage.open(job.result_file, "rb"), as_attachment=True, filename=name,
                            content_type=mimetypes.guess_type(name)[0] or "application/octet-stream")
    response["Cache-Control"] = "private, no-store"
    return response
