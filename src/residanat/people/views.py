from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from residanat.accounts.scopes import can
from residanat.common.listing import Listing, Sort, name_order
from residanat.documents import kinds
from residanat.documents.excel import Sheet, workbook_response
from residanat.documents.http import document_language

from .attestations import issue_status_attestation
from .history import history_rows
from .models import Person, TraineeStatus
from .queries import PERSON_SEARCH, visible_people


PERSON_SORTS = {
    "name": Sort(gettext_lazy("Nom"), name_order()),
    "name_ar": Sort(gettext_lazy("Nom (arabe)"), ("last_name_ar", "first_name_ar")),
    "nationality": Sort(gettext_lazy("Nationalité"), ("nationality", *name_order())),
    "birth_date": Sort(gettext_lazy("Date de naissance"), (F("birth_date").asc(nulls_last=True), *name_order())),
}


def _filtered(request):
    people = visible_people(request.user)
    kind = request.GET.get("kind")
    if kind in TraineeStatus.Kind.values:
        people = people.filter(statuses__kind=kind).distinct()
    return people, kind


def _listing(request):
    people, kind = _filtered(request)
    latin, arabic, identity = PERSON_SEARCH
    return Listing(request, people, sorts=PERSON_SORTS, default="name", search=latin, arabic=arabic,
                   extra=identity, dom_id="people-rows"), kind


@login_required
def person_list(request):
    listing, kind = _listing(request)
    context = {"listing": listing, "page": listing.page, "q": listing.q, "kind": kind,
               "kinds": TraineeStatus.Kind.choices}
    template = "people/list_rows.html" if request.htmx else "people/list.html"
    return render(request, template, context)


@login_required
def person_export(request):
    people = _listing(request)[0].rows
    language = get_language()
    rows = [
        (p.last_name, p.first_name, p.last_name_ar, p.first_name_ar, p.nationality, p.birth_date)
        for p in people
    ]
    headers = [_("Nom"), _("Prénom"), _("Nom (arabe)"), _("Prénom (arabe)"), _("Nationalité"), _("Date de naissance")]
    return workbook_response("personnes.xlsx", [Sheet(_("Personnes"), headers, rows, language)])


@login_required
def person_detail(request, pk):
    # 404, not 403, outside the scope: an id must not reveal whether a person exists.
    person = get_object_or_404(visible_people(request.user), pk=pk)
    statuses = person.statuses.select_related("faculty", "hospital_centre", "establishment", "service", "specialty")
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "statuses": statuses,
            "can_change": can(request.user, "change", person),
            "show_identity": person.identity_readable,
            "can_issue": can(request.user, "change", person) or person.user_id == request.user.pk,
            "history": history_rows(person),
            # Only the documents the reader may open (by kind, decision 0021): no link to a 404.
            "documents": kinds.readable(request.user, person.documents.all()).order_by("-issued_at")[:20],
        },
    )


@login_required
@require_POST
def person_attestation(request, pk):
    # Attestations are issued by those who manage the file (dean, hospital direction,
    # ministry) or by the trainee for themself; a reader of the file cannot issue one.
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    if not (can(request.user, "change", person) or person.user_id == request.user.pk):
        raise PermissionDenied
    document = issue_status_attestation(person, document_language(request, request.POST), request.user)
    return redirect("documents:download", document.pk)
