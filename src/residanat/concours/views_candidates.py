"""Pages of the candidates: self-registration, the candidate's own space and receipt, the faculty's
import, the list with its export, the detail with the documents, and the withdrawal.

Views stay thin: they find the competition or the candidacy in the user's scope (404 outside it,
403 when visible but not changeable), parse the request and call `registration` or
`candidate_import`."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from residanat.common.actions import perform
from residanat.common.import_page import ImportFlow, import_page
from residanat.common.listing import Listing, Sort, name_order
from residanat.documents.excel import XLSX_CONTENT_TYPE
from residanat.documents.export_jobs import export_response
from residanat.documents.http import document_language, document_response, issued_pdf_response
from residanat.formats import day_text
from residanat.people.queries import identity_readers, may_read_identity
from residanat.ratelimits import limit_per_address

from . import registration
from .candidate_export import CANDIDATES_EXPORT, candidates_workbook, filtered_candidates
from .candidate_import import columns_for, do_import_candidates, import_template
from .eligibility import failures_in
from .forms import ImportForm, RegistrationForm, WithdrawForm
from .models import Candidate, CandidateDocument, Competition
from .publication import candidate_result
from .scope import can_change_competition, changeable_competition, visible_competition

State = Competition.State


# --- finding things in the scope ---------------------------------------------------------------

def _candidate(request, pk) -> Candidate:
    return get_object_or_404(
        Candidate.objects.visible_to(request.user)
        .select_related("competition__faculty", "competition__hospital_centre", "person", "enrolment_faculty"),
        pk=pk)


# --- self-registration -------------------------------------------------------------------------

def _registration_attempt(request) -> bool:
    return request.method == "POST"


@limit_per_address("concours.register", "RESIDANAT_REGISTRATION_RATE", counts=_registration_attempt)
def register(request, slug):
    """Public while registration is open (404 otherwise, whoever asks): an anonymous visitor
    creates their account here; a signed-in user registers with their own person file.

    An anonymous visitor gets the same page whether their e-mail, CIN or passport was new (then
    registered) or already on file (then nothing written): the page tells nobody who is on file,
    and sends both to the login (issue 20 item 4). Submissions are limited per client address."""
    competition = get_object_or_404(Competition.objects.select_related("faculty", "hospital_centre"),
                                    slug=slug, state=State.REGISTRATION_OPEN)
    routes = registration.routes_of(competition)
    route = request.POST.get("route") or request.GET.get("voie") or routes[0]
    if route not in routes:
        route = routes[0]
    user = request.user
    existing = None
    if user.is_authenticated:
        existing = (Candidate.objects.visible_to(user)
                    .filter(competition=competition, person__user=user).first())
    form = None
    if existing is None:
        form = RegistrationForm(competition, route, user, data=request.POST or None, files=request.FILES or None)
        if request.method == "POST" and form.is_valid():
            registered = perform(
                request, registration.do_register_candidate, competition, form.registration_data(),
                user=user if user.is_authenticated else None, password=form.cleaned_data.get("password1"),
                language=document_language(request), form=form)
            known = isinstance(registered.refusal, registration.IdentityAlreadyKnown)
            if not user.is_authenticated and (registered or known):
                # Not signed in here: the same page whether the identity was new (registered) or
                # already on file (nothing written); a session would tell one from the other.
                return _registration_received(request, competition)
            if registered:
                candidate = registered.result
                messages.success(request, _("Inscription enregistrée : vous êtes le candidat n° %(number)s.")
                                 % {"number": candidate.number})
                return redirect(f"{reverse('concours:my_candidacies')}?inscrit={candidate.pk}")
    return render(request, "concours/candidates/register.html", {
        "competition": competition,
        "form": form,
        "existing": existing,
        "route": route,
        "routes": [(value, Candidate.Route(value).label) for value in routes] if len(routes) > 1 else [],
        "person": form.person if form else None,
        "upload_types": ", ".join(ext.lstrip(".").upper() for ext in
                                  dict.fromkeys(settings.RESIDANAT_UPLOAD_TYPES.values())),
        "upload_max_mb": settings.RESIDANAT_UPLOAD_MAX_BYTES // (1024 * 1024),
    })


def _registration_received(request, competition):
    """The one answer to an anonymous registration that passed the form, new or known identity."""
    return render(request, "concours/candidates/registration_received.html", {
        "competition": competition,
        "register_url": reverse("concours:register", args=[competition.slug]),
    })


# --- the candidate's own space -----------------------------------------------------------------

@login_required
def my_candidacies(request):
    """The user's own candidacies with their state, the reasons of ineligibility, the receipt and,
    once the results are out, the result slip."""
    candidacies = list(
        Candidate.objects.visible_to(request.user).filter(person__user=request.user)
        .select_related("competition__faculty", "competition__hospital_centre")
        .prefetch_related("documents").order_by("-competition__year", "-registered_at"))
    for candidate in candidacies:
        candidate.reasons = failures_in(candidate)
        candidate.result = candidate_result(candidate)
    just_registered = next((c for c in candidacies if str(c.pk) == request.GET.get("inscrit")), None)
    return render(request, "concours/candidates/mine.html", {
        "candidacies": candidacies, "just_registered": just_registered,
    })


@login_required
def receipt(request, pk):
    """The registration receipt of a candidacy, issued only by the candidate and the competition's
    office (404 for the other readers of the candidacy, a committee member for one): the one
    already issued when nothing changed, else a new one."""
    candidate = _candidate(request, pk)
    if not registration.may_issue_receipt(request.user, candidate):
        raise Http404
    document = registration.registration_receipt(candidate, document_language(request), request.user)
    return issued_pdf_response(document, inline=True, filename=f"recepisse-{candidate.number}-{document.language}.pdf")


# --- list and export ---------------------------------------------------------------------------

def _filtered(request, competition):
    return filtered_candidates(request.user, request.GET, competition)


CANDIDATE_SORTS = {
    "number": Sort(gettext_lazy("N°"), ("number",)),
    "name": Sort(gettext_lazy("Nom et prénom"), name_order("person__")),
    "state": Sort(gettext_lazy("Recevabilité"), ("state", "number")),
    "registered_at": Sort(gettext_lazy("Inscrit le"), ("registered_at", "number")),
}


@login_required
def candidates(request, slug):
    competition = visible_competition(request, slug)
    found, filters = _filtered(request, competition)
    # The filters above searched already (`q`, Arabic folded): the listing pages and sorts.
    listing = Listing(request, found, sorts=CANDIDATE_SORTS, default="number", dom_id="candidate-rows")
    page = listing.page
    counts = dict(Candidate.objects.visible_to(request.user).filter(competition=competition)
                  .values_list("state").annotate(n=Count("pk")).order_by())
    return render(request, "concours/candidates/list.html", {
        "competition": competition,
        "page": page, "listing": listing,
        "filters": filters,
        "query": listing.query,
        "counts": [(value, label, counts.get(value, 0)) for value, label in Candidate.State.choices],
        "total": sum(counts.values()),
        "states": Candidate.State.choices,
        "routes": Candidate.Route.choices if competition.kind == Competition.Kind.RESIDANAT else [],
        "can_change": can_change_competition(request.user, competition),
        "registration_open": competition.state == State.REGISTRATION_OPEN,
    })


@login_required
def candidates_export(request, slug):
    """The list as filtered, one row per candidate (candidate_export.candidates_workbook); a long
    list is written by the worker."""
    competition = visible_competition(request, slug)
    found, filters = _filtered(request, competition)
    return export_response(request, CANDIDATES_EXPORT, competition.pk, filters, rows=found.count(),
                           language=document_language(request), build=candidates_workbook)


# --- import ------------------------------------------------------------------------------------

@login_required
def candidates_import(request, slug):
    """Upload -> dry run (every error with its row and column, or the preview with numbers and
    eligibility) -> confirm -> one atomic write."""
    competition = changeable_competition(request, slug)
    editable = competition.state == State.REGISTRATION_OPEN
    flow = ImportFlow(
        key=f"candidates_import:{competition.pk}", template="concours/candidates/import.html", form=ImportForm,
        run=lambda name, data, params, commit: do_import_candidates(competition, data, request.user,
                                                                    dry_run=not commit),
        done=lambda result, params: reverse("concours:candidates", args=[competition.slug]),
        success=lambda result: _("%(rows)s candidats inscrits (%(eligible)s recevables, %(ineligible)s non "
                                 "recevables à titre provisoire).") % result.counts,
        closed="" if editable else _("Les candidats ne s'importent que pendant les inscriptions (état actuel : "
                                     "%(state)s).") % {"state": competition.get_state_display()})
    return import_page(request, flow, {"competition": competition, "editable": editable,
                                       "columns": columns_for(competition.kind)})


@login_required
def candidates_template(request, slug):
    competition = visible_competition(request, slug)
    return document_response(import_template(competition), f"candidats-{competition.slug}-modele.xlsx",
                             XLSX_CONTENT_TYPE)


# --- one candidate -----------------------------------------------------------------------------

def _changes(record):
    previous = record.prev_record
    if previous is None:
        return []
    rows = []
    for change in record.diff_against(previous).changes:
        if change.field in ("eligibility", "eligibility_checked_at"):
            continue  # the reasons are shown above; the check's time says nothing more
        field = Candidate._meta.get_field(change.field)
        labels = dict(field.flatchoices) if field.choices else {}
        rows.append((capfirst(field.verbose_name), labels.get(change.old, change.old),
                     labels.get(change.new, change.new)))
    return rows


def _history(candidate, limit=50):
    rows = []
    for record in candidate.history.select_related("history_user").all()[:limit]:
        rows.append({"when": record.history_date, "who": record.history_user,
                     "type": record.get_history_type_display(), "changes": _changes(record),
                     "reason": record.history_change_reason})
    return rows


@login_required
def candidate_detail(request, pk):
    candidate = _candidate(request, pk)
    competition, person = candidate.competition, candidate.person
    can_change = registration.can_change_candidate(request.user, candidate)
    fields = registration.fact_fields(competition.kind, candidate.route)
    facts = []
    for name in fields:
        field = Candidate._meta.get_field(name)
        value = getattr(candidate, name)
        if name == "diploma":
            value = candidate.get_diploma_display()
        elif name == "enrolment_faculty":
            value = value.name if value else ""
        facts.append((capfirst(field.verbose_name), value, field.get_internal_type()))
    return render(request, "concours/candidates/detail.html", {
        "candidate": candidate,
        "competition": competition,
        "person": person,
        # Law 09-08: the identity numbers follow the one rule of people/queries.
        "show_identity": may_read_identity(request.user, person),
        "facts": facts,
        "documents": candidate.documents.order_by("kind", "uploaded_at"),
        "reasons": failures_in(candidate),
        "can_withdraw": can_change and candidate.state != Candidate.State.WITHDRAWN
        and competition.state in registration.WITHDRAWAL_STATES,
        "withdraw_form": WithdrawForm(),
        "history": _history(candidate),
        "is_self": person.user_id == request.user.pk,
    })


@login_required
def candidate_document(request, pk, doc_pk):
    """A candidate's upload (the CIN scan among them): only to the readers of the candidate's
    identity (people/queries), 404 to the others, as outside the scope (law 09-08 art. 3)."""
    document = get_object_or_404(CandidateDocument.objects.visible_to(request.user).exclude(file="")
                                 .filter(candidate__person__in=identity_readers(request.user)),
                                 candidate_id=pk, pk=doc_pk)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.original_name,
                        content_type=document.content_type)


@login_required
@require_POST
def candidate_withdraw(request, pk):
    candidate = _candidate(request, pk)
    if not registration.can_change_candidate(request.user, candidate):
        raise PermissionDenied
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez le motif du désistement."))
        return redirect("concours:candidate", pk=candidate.pk)
    perform(request, registration.do_withdraw_candidate, candidate, request.user, form.cleaned_data["reason"],
            success=lambda _done: _("Désistement du candidat %(number)s enregistré le %(day)s.")
            % {"number": candidate.number, "day": day_text(timezone.localdate())})
    return redirect("concours:candidate", pk=candidate.pk)
