"""The JSON API under /api/v1/: one router per domain; every operation needs a bearer token or a
session (see auth.py) except the OpenAPI schema and the docs page."""


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
    refusals,
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

# Every refusal is a JSON answer with a detail, whatever raised it (see refusals.py).
refusals.install(api)


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
api.add_router("/", refusals.unknown)  # last: the URLs no operation above answers
declare_framework_answers(api)
