"""Messages shown after an action a service refused: every reason of a ValidationError or a form."""

from django.contrib import messages
from django.core.exceptions import ValidationError


def report_error(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def report_form_errors(request, form) -> None:
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)
