"""A background job as its office follows it: what it makes, how far it got, its result or its error.

The queue itself is django-tasks' (its database backend, `residanat worker`); this row is ours, written
by the job as it goes, so that any server process can show its progress and the office can retry it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class JobQuerySet(models.QuerySet):
    def active(self):
        return self.filter(Q(state=Job.State.QUEUED) | Q(state=Job.State.RUNNING))


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("en attente")
        RUNNING = "running", _("en cours")
        DONE = "done", _("terminé")
        FAILED = "failed", _("échoué")

    # The registered name of what runs (ops.jobs.job_kind) and its arguments, primary keys only:
    # a retry runs the same thing again from them.
    kind = models.CharField(max_length=80)
    args = models.JSONField(default=list)
    # What the job makes (a document, a run): one job at a time per key.
    key = models.CharField(max_length=255, db_index=True)
    # In the language of the person who started it, for the logs and the admin; a page shows the
    # kind's label of the job in its reader's language (ops.jobs.job_title).
    label = models.CharField(max_length=255)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    # The step and the error as French msgids with their parameters, translated when read: the
    # page speaks its reader's language, whoever started the job (`error` keeps the French text).
    step = models.CharField(max_length=255, blank=True)
    step_params = models.JSONField(default=dict, blank=True)
    result_url = models.CharField(max_length=500, blank=True)
    # A file the job made (an export), in the default storage: served by ops:job-file to its readers.
    result_file = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    error_messages = models.JSONField(default=list, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One job at a time makes a given document: two offices clicking at once share it.
            models.UniqueConstraint(fields=["key"], condition=Q(state__in=["queued", "running"]),
                                    name="ops_job_one_active_per_key"),
            models.CheckConstraint(condition=Q(total__isnull=True) | Q(done__lte=models.F("total")),
                                   name="ops_job_done_within_total"),
        ]

    def __str__(self):
        return self.label

    @property
    def finished(self):
        return self.state in (self.State.DONE, self.State.FAILED)
