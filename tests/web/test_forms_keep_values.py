"""Issue 25 item 1: every form of the site, posted with invalid data, shows the page again with
every value typed and the errors summarised at the top of the form (not of the page).

The forms are found from the URL conf (tests/web/form_routes.py: every view that takes a POST),
so a new form fails `test_every_form_route_is_classified` until it gets a case here: an invalid
POST (the access matrix's valid body for that URL, with the overrides below that make it
invalid), or a reason why it holds no typed value (a button). The world and the paths are the
access matrix's (tests/web/test_access_matrix.py)."""

from __future__ import annotations

import pytest

from tests.formpage import form_with_errors, shows
from tests.web.form_routes import post_routes
from tests.web.test_access_matrix import CASES, build_world, client_for

NOT_A_DATE = "pas une date"

# url name -> (role, overrides making the matrix's body invalid, method of the matrix row giving the path)
FORM_CASES = {
    "careers:degree-new": ("superuser", {"awarded_on": NOT_A_DATE}, "post"),
    "careers:leave-new": ("superuser", {"end": NOT_A_DATE}, "post"),
    "careers:mission-new": ("superuser", {"end": NOT_A_DATE}, "post"),
    "careers:resident-new": ("superuser", {"start": NOT_A_DATE}, "post"),
    "careers:seventh-year-new": ("superuser", {"end": NOT_A_DATE}, "post"),
    "careers:residency-year-new": ("superuser", {"outcome": "", "reference": "PV 1"}, "post"),
    "careers:period-create": ("superuser", {"end_date": "2026-01-01"}, "post"),
    "careers:period-open": ("superuser", {"deadline": "demain"}, "post"),
    "careers:rotation-validation": ("superuser", {"attendance": "yes", "knowledge": "no", "practical_skills": "yes",
                                                  "conduct": "yes", "comment": ""}, "post"),
    "careers:extern-batch-new": ("superuser", {"start_date": NOT_A_DATE}, "post"),
    "careers:enrolment-import": ("superuser", {}, "post"),
    "concours:tests": ("superuser", {"weight": "abc"}, "post"),
    "concours:merit_revise": ("superuser", {"reason": "Recours", "number_1": "Z99", "value_1": "18"}, "post"),
    "discipline:step": ("superuser", {"on": NOT_A_DATE}, "post"),
    "discipline:open": ("superuser", {"facts": ""}, "get"),
    "discipline:nominations": ("superuser", {"year": "1900", "decision_ref": "Délibération 3", "member1": "Pr A"}, "get"),
    "payroll:bank-account": ("superuser", {"rib": "0117 80AB"}, "post"),
    "payroll:health-group-edit": ("superuser", {"powers_from": NOT_A_DATE}, "post"),
    "payroll:pay-terms": ("superuser", {"valid_from": NOT_A_DATE}, "post"),
    "payroll:rate-order-new": ("superuser", {"value": "abc"}, "post"),
    "payroll:stipend-stop-new": ("superuser", {"end": NOT_A_DATE}, "post"),
}

# Routes whose form holds no value typed by hand: nothing to keep, each with why.
NO_TYPED_VALUE = {
    "set_language": "the language buttons (the wishes typed are kept: test_wishes_pages, residanat.js data-keep)",
    "accounts:enrolment-codes": "a button per account",
    "careers:extern-batch-assign": "a button (confirmed)",
    "careers:leave-approve": "a button",
    "careers:period-approve": "a button",
    "careers:period-assign": "a button (confirmed)",
    "careers:rotation-certificate": "a language menu and a button: the PDF is issued",
    "careers:title-attestation": "a language menu and a button: the PDF is issued",
    "choice:results-pdf": "two buttons, one per language",
    "choice:run-round": "a button",
    "concours:merit_compute": "a button (and an optional observation)",
    "concours:posts_confirm": "the confirmation of a previewed file (a token)",
    "deployment:couple-remove": "a button",
    "discipline:document-add": "a file chosen in the browser, never sent back by a page",
    "ops:job-retry": "a button",
    "payroll:run-approve": "a button",
    "payroll:run-close": "a button (confirmed)",
    "payroll:run-compute": "a button",
    "people:attestation": "a button",
    "choice:my-wishes": "the wish editor's buttons: the unsaved list is kept in the session (test_wishes_pages)",
    "choice:laureate": "the wish editor's buttons, as choice:my-wishes",
}

# Forms not yet rendered through forms/form.html (issue 25 item 1 left for later), each with why;
# this list may only shrink.
NOT_YET = {
    "accounts:account": "API token name: one field, refused without a message of its own",
    "accounts:enrol": "enrolment code: Django's auth flow",
    "accounts:otp": "TOTP code: django-otp's form",
    "careers:period-seats": "converted; the matrix's period is past its seats' step, so the form is not shown",
    "careers:period-assign-by-hand": "menus only (converted; matrix body names ids the case does not build yet)",
    "careers:period-wishes": "trainee's ranks (converted, tested in test_period_pages)",
    "careers:rotation-correction": "converted, tested in test_validation",
    "choice:create": "the choice session's forms: another helper's change (issue 25 choice buttons)",
    "choice:open-wishes": "idem",
    "choice:schedule-round": "idem",
    "choice:run-final": "idem",
    "choice:live-absent": "live session panel (HTMX), idem",
    "choice:live-choose": "idem",
    "choice:live-close": "idem",
    "choice:live-start": "idem",
    "choice:live-undo": "idem",
    "concours:candidate_withdraw": "one reason field, refusal shown as a message",
    "concours:candidates_import": "import page (imports/_upload.html converted; needs a file in the case)",
    "concours:scores_import": "idem",
    "concours:posts_upload": "idem",
    "concours:posts_add": "table row (HTMX), error beside the row",
    "concours:posts_edit": "table row (HTMX), error beside the row",
    "concours:scores": "score cell (HTMX), error in the cell",
    "concours:register": "the candidate's registration (its own layout)",
    "concours:transition": "an observation and a button (confirmed)",
    "deployment:action": "buttons, and the wishes deadline form",
    "deployment:campaign-new": "two fields, refusal as a message",
    "deployment:candidate": "the candidate's wishes",
    "deployment:candidates": "the couple form",
    "deployment:candidates-import": "import page (imports/_upload.html converted; needs a file)",
    "deployment:posts-import": "idem",
    "discipline:commitment-action": "the commitment's operation forms (keep their values, issue 18)",
    "discipline:commitment-new": "rendered by {{ form }}; the matrix's person is not a resident (403)",
    "documents:verify": "document verification (its own layout)",
    "payroll:run-open": "month and payer, refusal as a message",
}


def _matrix_row(name, method):
    for row_name, row_method, path_of, _expected, body in CASES:
        if row_name == name and row_method == method:
            return path_of, dict(body or {})
    raise AssertionError(f"no {method} row for {name} in the access matrix")


def test_every_form_route_is_classified():
    routes = post_routes()
    classified = set(FORM_CASES) | set(NO_TYPED_VALUE) | set(NOT_YET)
    assert routes - classified == set(), "a new form: add an invalid POST to FORM_CASES"
    assert classified - routes == set(), "a route gone or no longer taking a POST"
    assert not set(FORM_CASES) & set(NOT_YET)


@pytest.mark.django_db
def test_every_form_comes_back_with_its_values_and_its_errors_at_its_top():
    world = build_world()
    clients, failures = {}, []
    for name, (role, overrides, method) in sorted(FORM_CASES.items()):
        client = clients.setdefault(role, client_for(role, world))
        path_of, body = _matrix_row(name, method)
        body.update(overrides)
        body = {key: (value if isinstance(value, list) else str(value)) for key, value in body.items()}
        path = path_of(world)
        # The evaluation row is an HTMX form: it comes back as the row (without HTMX, a redirect).
        headers = {"HTTP_HX_REQUEST": "true"} if name == "careers:rotation-validation" else {}
        response = client.post(path, body, **headers)
        try:
            assert response.status_code in (200, 400), f"answered {response.status_code}"
            form = form_with_errors(response.content.decode())
            assert form.first == "summary", "the summary is not at the top of the form"
            for key, value in body.items():
                if isinstance(value, str) and value:
                    assert shows(form, key, value), f"{key}={value!r} did not come back"
        except AssertionError as error:
            failures.append(f"{name} ({path}): {error}")
    assert not failures, "\n".join(failures)
