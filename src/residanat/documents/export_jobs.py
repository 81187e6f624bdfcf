"""Excel exports that can run to thousands of rows are made by the worker (issue 22 item 2): the
GET of a long export queues a job and sends to its page, which offers the file once it is written.
A short one (SYNC_ROWS rows or fewer) is still answered at once.

An app declares an export with `export_kind(name, build=..., label=..., readers=...)`: `build(*args,
user, language)` gives `(filename, sheets)` in `language`; `readers(user, *args)` is the rule of the
page that offers the export, so that the job's page and its file are read by the page's readers. An
export built with the rights of the person who asked (`personal`: rows of their scope, filters of
their page) is for that person only, and still only while the page's rule lets them in.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext_noop

from residanat.ops import jobs

from .excel import workbook_bytes, workbook_response

# "A few hundred rows": above, the worker writes the file while the page polls.
SYNC_ROWS = 300
READING = gettext_noop("Lecture des lignes")
WRITING = gettext_noop("Écriture du classeur (%(n)s lignes)")


def export_kind(name: str, *, build: Callable, label: Callable, readers: Callable, personal: bool = False):
    """Register the job that writes the export `name` (its arguments: the export's own, then the
    language and the id of the person who asked)."""

    def run(job, *args):
        *own, language, user_id = args
        user = get_user_model().objects.get(pk=user_id)
        with translation.override(language):
            jobs.do_record_progress(job, 0, 2, READING)
            filename, sheets = build(*own, user, language)
            jobs.do_record_progress(job, 1, 2, WRITING, {"n": sum(len(sheet.rows) for sheet in sheets)})
            return jobs.store_result_file(job, filename, workbook_bytes(sheets))

    def may_read(user, *args):
        *own, _language, user_id = args
        return (not personal or user.pk == user_id) and readers(user, *own)

    jobs.job_kind(name, label=lambda *args: label(*args[:-2]), readers=may_read)(run)


def export_response(request, name: str, *args, rows: int, language: str, build: Callable):
    """The workbook at once when it is short; else the job that writes it (the same job for a second
    click while it runs), and its page."""
    if rows <= SYNC_ROWS:
        return workbook_response(*build(*args, request.user, language))
    what = json.dumps([args, language, request.user.pk], sort_keys=True, default=str)
    key = f"{name}:{hashlib.sha256(what.encode()).hexdigest()}"
    kind = jobs.KINDS[name]
    job = jobs.do_start_job(name, *args, language, request.user.pk, key=key,
                            label=kind.label(*args, language, request.user.pk), by=request.user)
    return redirect("ops:job", pk=job.pk)
