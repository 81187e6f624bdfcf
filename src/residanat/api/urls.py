"""The JSON API under /api/v1/: one router per domain; every operation needs a bearer token or a
session (see auth.py) except the OpenAPI schema and the docs page."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.http import Http404
from ninja import Router

from . import (
    careers_externs,
    careers_periods,
    careers_records,
    careers_timeline,
    choice,
    concours,
    deployment,
    discipline,
    docs,
    me,
    payroll,
    people,
    referential,
    rules,
)
from .auth import API_AUTH
from .openapi import ContractAPI, declare_framework_answers

api = ContractAPI(
    title="residanat",
    version="1",
    urls_namespace="api",
    auth=API_AUTH,
    docs=docs.OfflineSwagger(),
)


# A refusal raised anywhere below an operation is a 403 JSON answer, like every other API error;
# ninja would otherwise hand it to Django (an HTML 403) or, with DEBUG, answer 500.
@api.exception_handler(PermissionDenied)
def refused(request, exc):
    return api.create_response(request, {"detail": str(exc) or _("Votre rôle ne permet pas cette opération.")},
                               status=403)


api.add_router("/", docs.router)
api.add_router("/me", me.router)
api.add_router("/rules", rules.router)
api.add_router("/referential", referential.router)
api.add_router("/people", people.router)
api.add_router("/competitions", concours.router)
api.add_router("/choice", choice.router)
api.add_router("/careers", careers_timeline.router)
api.add_router("/careers", careers_periods.router)
api.add_router("/careers", careers_externs.router)
api.add_router("/careers", careers_records.router)
api.add_router("/payroll", payroll.router)
api.add_router("/discipline", discipline.router)
api.add_router("/deployment", deployment.router)

# Last: any other URL under /api/v1/ (an id that is not a number, a typo) answers a JSON 404 as
# every operation does, not the site's HTML page.
unknown = Router(auth=None)


@unknown.api_operation(["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", include_in_schema=False,
                       url_name="unknown-url")
def unknown_url(request, rest: str):
    raise Http404


api.add_router("/", unknown)
declare_framework_answers(api)
