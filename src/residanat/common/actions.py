"""An office action from a page: call the service's writer, show its refusal or its success.

A service refuses in one way: it raises `Refusal` (Django's ValidationError: a reason, or several,
in the user's language). `PermissionDenied` is not a refusal but a 403, and passes through. Every
view acts through `perform`, so every refusal is shown alike: each reason as an error message, or,
when the page shows the form again, as the form's own errors beside the values the user typed (a
reason about one of its fields beside that field). A fragment that shows the refusal itself (the
live session's panel, a cell of a table) asks `perform` to stay `quiet` and shows `Outcome.reason`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError

from .feedback import report_error

Refusal = ValidationError


@dataclass(frozen=True)
class Outcome:
    """What `perform` gives back: true when the action was done, with the writer's result; false
    with the `refusal` when it was refused."""

    done: bool
    result: Any = None
    refusal: Refusal | None = None

    def __bool__(self) -> bool:
        return self.done

    @property
    def reason(self) -> str:
        """The refusal's reasons as one text ("" when done)."""
        return " ".join(self.refusal.messages) if self.refusal is not None else ""


def show_on_form(form, refusal: Refusal) -> None:
    """The refusal as the form's errors: a reason about one of its fields beside it, the others
    (and those about a field the form does not show) above the form."""
    if hasattr(refusal, "error_dict"):
        for name, errors in refusal.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, refusal)


def perform(request, action: Callable, /, *args, success: str | Callable[[Any], str] | None = None,
            form=None, quiet: bool = False, **kwargs) -> Outcome:
    """Run `action(*args, **kwargs)`. On a `Refusal`, show its reasons (on `form` when given, else
    as messages; not at all when `quiet`) and return a false Outcome holding it; else show
    `success` (a text, or a function of the result giving one) and return a true Outcome holding
    the result."""
    try:
        result = action(*args, **kwargs)
    except Refusal as refusal:
        if form is not None:
            show_on_form(form, refusal)
        elif not quiet:
            report_error(request, refusal)
        return Outcome(False, refusal=refusal)
    if success is not None:
        messages.success(request, success(result) if callable(success) else success)
    return Outcome(True, result)
