"""An office action from a page: call the service's writer, show its refusal or its success.

A service refuses in one way: it raises `Refusal` (Django's ValidationError: a reason, or several,
in the user's language). `PermissionDenied` is not a refusal but a 403, and passes through. Every
view acts through `perform`, so every refusal is shown alike: each reason as an error message, or,
when the page shows the form again, as the form's own errors beside the values the user typed.
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
    """What `perform` gives back: true when the action was done, with the writer's result."""

    done: bool
    result: Any = None

    def __bool__(self) -> bool:
        return self.done


def perform(request, action: Callable, /, *args, success: str | Callable[[Any], str] | None = None,
            form=None, **kwargs) -> Outcome:
    """Run `action(*args, **kwargs)`. On a `Refusal`, show its reasons (on `form` when given, else
    as messages) and return a false Outcome; else show `success` (a text, or a function of the
    result giving one) and return a true Outcome holding the result."""
    try:
        result = action(*args, **kwargs)
    except Refusal as error:
        if form is not None:
            form.add_error(None, error)
        else:
            report_error(request, error)
        return Outcome(False)
    if success is not None:
        messages.success(request, success(result) if callable(success) else success)
    return Outcome(True, result)
