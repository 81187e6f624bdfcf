"""How the API refuses: always a JSON answer with a `detail`, never a 500 or an HTML page (issue 20
item 5). Operations map the refusals they expect to their own status and words; what a service
raises that an operation did not expect is mapped here, once, for every operation:

- PermissionDenied → 403 (ninja would hand it to Django: an HTML 403, or a 500 with DEBUG);
- ObjectDoesNotExist → 404, as ninja answers Http404;
- a Django ValidationError → 400 with its messages, as the operations that expect one answer;
- IntegrityError → 409: a constraint of the database refused the change (two officers racing for
  the same month, the same seat);
- a NUL character in the path, the query or a JSON body → 400 before the operation runs:
  PostgreSQL cannot store or even compare it (psycopg raises, a 500), SQLite silently can;
- an URL under the API that names no operation → a 404 in JSON, not the site's HTML page.
"""

import json
from functools import wraps

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router

NUL = "\x00"
ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]

# Mounted last: its path matches whatever the operations before it did not.
unknown = Router(auth=None)


@unknown.api_operation(ALL_METHODS, "/{path:rest}", include_in_schema=False)
def no_such_operation(request, rest: str):
    raise Http404


@unknown.api_operation(ALL_METHODS, "/", include_in_schema=False)
def no_operation_at_the_root(request):
    # /api/v1/ itself: ninja's own api-root view (kept for reversing the prefix) answers in HTML.
    raise Http404


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def _json_body(request):
    if not request.body or request.content_type != "application/json":
        return None
    try:
        return json.loads(request.body)
    except ValueError:
        return None  # ninja answers 400 "Cannot parse request body" itself


def install(api):
    """Register the refusals above on `api` (before its routers are mounted)."""

    def answer(request, status, detail):
        return api.create_response(request, {"detail": detail}, status=status)

    @api.exception_handler(PermissionDenied)
    def refused(request, exc):
        return answer(request, 403, str(exc) or _("Votre rôle ne permet pas cette opération."))

    @api.exception_handler(ObjectDoesNotExist)
    def not_found(request, exc):
        return answer(request, 404, "Not Found")

    @api.exception_handler(ValidationError)
    def invalid(request, exc):
        return answer(request, 400, " ".join(exc.messages))

    @api.exception_handler(IntegrityError)
    def conflict(request, exc):
        return answer(request, 409, _("Cette opération contredit une donnée déjà enregistrée."))

    def refuse_nul(run):
        @wraps(run)
        def checked(request, *args, **kwargs):
            query = [value for key, values in request.GET.lists() for value in [key, *values]]
            if NUL in request.path or _holds_nul(query) or _holds_nul(_json_body(request)):
                return answer(request, 400, _("Le texte envoyé contient un caractère nul (U+0000), que la base de "
                                              "données ne peut pas enregistrer."))
            return run(request, *args, **kwargs)

        return checked

    # "view": before ninja reads the parameters, so that no operation ever sees the character.
    api.add_decorator(refuse_nul, mode="view")
