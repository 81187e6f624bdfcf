"""The page of every import: upload -> preview -> confirm.

The uploaded file is checked in full without writing anything and shown (the preview: every
error with its row and column, or what the confirmation will write); the file is kept in the
session, and the confirmation writes exactly that file, checked again, in one transaction. Each
import says what differs in an `ImportFlow`; its page template includes `imports/_upload.html` and
`imports/_preview.html`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from .uploads import SPREADSHEET_EXTENSIONS, forget_previewed, keep_previewed, previewed, upload_problem


@dataclass(frozen=True)
class ImportFlow:
    key: str  # where the previewed file waits in the session
    template: str  # the page, which includes imports/_upload.html and imports/_preview.html
    # run(file name, bytes, params, commit=...) -> the import's result (`ok`, `errors`); raises
    # one of `refusals` when the import may not run at all (permission aside).
    run: Callable
    form: Callable  # form(data, files): a form with a `file` field
    done: Callable  # done(result, params) -> where a written import leads
    success: Callable  # success(result) -> the message of a written import
    params: Callable = lambda cleaned: {}  # what else the confirmation needs, from the form (JSON)
    closed: str = ""  # why nothing may be imported now ("" when it may)
    extensions: tuple = SPREADSHEET_EXTENSIONS
    wrong_kind: str = ""
    refusals: tuple = (ValidationError,)
    page: str = ""  # the page's address, when the confirmation is posted elsewhere
    back_on_refusal: bool = False  # a refused upload goes back to the page with a message


def _refusal(error) -> str:
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


def import_page(request, flow: ImportFlow, context: dict):
    """GET: the upload form. POST: the preview, or (`action=confirm`) the write of the previewed file."""
    if flow.closed:
        messages.info(request, flow.closed)
    elif request.method == "POST" and request.POST.get("action") == "confirm":
        return confirm_import(request, flow, context)
    posted = request.method == "POST" and not flow.closed
    form = flow.form(request.POST, request.FILES) if posted else flow.form(None, None)
    context = {"form": form, "result": None, "token": "", "file_name": "", **context}
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        if problem := upload_problem(upload, flow.extensions, flow.wrong_kind):
            if flow.back_on_refusal:
                messages.error(request, problem)
                return redirect(flow.page or request.path)
            form.add_error("file", problem)
        else:
            data, params = upload.read(), flow.params(form.cleaned_data)
            try:
                result = flow.run(upload.name, data, params, commit=False)
            except flow.refusals as error:
                messages.error(request, _refusal(error))
                if flow.back_on_refusal:
                    return redirect(flow.page or request.path)
            else:
                token = keep_previewed(request, flow.key, upload.name, data, result.ok, params)
                context.update(result=result, token=token if result.ok else "", file_name=upload.name)
    elif form.is_bound and flow.back_on_refusal:
        messages.error(request, upload_problem(None))
        return redirect(flow.page or request.path)
    return render(request, flow.template, context)


def confirm_import(request, flow: ImportFlow, context: dict):
    """Write the previewed file, checked again in full, in one transaction; errors found meanwhile
    are shown as the preview's, and nothing is written."""
    page = flow.page or request.path
    stored = previewed(request, flow.key)
    if stored is None:
        return redirect(page)
    name, data, params = stored
    try:
        result = flow.run(name, data, params, commit=True)
    except flow.refusals as error:
        messages.error(request, _refusal(error))
        return redirect(page)
    forget_previewed(request, flow.key)
    if result.ok:
        messages.success(request, flow.success(result))
        return redirect(flow.done(result, params))
    return render(request, flow.template, {"form": flow.form(None, None), "token": "", **context,
                                           "result": result, "file_name": name})
