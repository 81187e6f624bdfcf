"""A background job's page: its progress ("n of N" or its step), its result when done, its error
and a retry when failed. Read from the database, so any server process answers alike."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .jobs import do_retry_job
from .models import Job


@login_required
def job(request, pk):
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    template = "ops/job_poll.html" if request.htmx else "ops/job.html"
    return render(request, template, {"job": job})


@login_required
@require_POST
def retry(request, pk):
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    do_retry_job(job)
    return redirect("ops:job", pk=job.pk)
