"""A trainee's timeline (anyone in scope, or the trainee's own), and the career documents issued
from it."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from residanat.common.actions import perform
from residanat.documents.http import document_language
from residanat.people.models import TraineeStatus

from . import documents
from .forms_validation import DocumentLanguageForm
from .models import Rotation
from .scope import can_change_person, can_issue_for, own_person, people_in_scope, visible_person
from .timeline import build_timeline


def _render(request, person, own: bool):
    timeline = build_timeline(person, request.user)
    can_issue = can_issue_for(request.user, person)
    return render(request, "careers/timeline/person.html", {
        "person": person,
        "timeline": timeline,
        "own": own,
        "can_issue": can_issue,
        "can_record": can_change_person(request.user, person),
        # Each title with the reason it cannot be attested yet (None once earned).
        "titles": [(b.status, documents.title_refusal(b.status, timeline.today))
                   for b in timeline.statuses if b.status.kind in documents.TITLE_KINDS],
        "language_form": DocumentLanguageForm(initial={"language": get_language()}),
    })


@login_required
def person_timeline(request, pk):
    person = visible_person(request.user, pk)
    return _render(request, person, own=person.user_id == request.user.pk)


@login_required
def my_timeline(request):
    return _render(request, own_person(request.user), own=True)


def _issue(request, person, issue):
    if not can_issue_for(request.user, person):
        raise PermissionDenied
    issued = perform(request, issue, document_language(request, request.POST, field="language"))
    if not issued:
        return redirect("careers:person-timeline", person.pk)
    return redirect("documents:download", issued.result.pk)


@login_required
@require_POST
def rotation_certificate(request, pk):
    rotation = Rotation.objects.filter(status__person__in=people_in_scope(request.user), pk=pk).select_related(
        "status__person").first()
    if rotation is None:
        raise Http404
    return _issue(request, rotation.status.person, lambda language: documents.do_issue_rotation_certificate(
        rotation, by=request.user, language=language))


@login_required
@require_POST
def title_attestation(request, pk):
    status = TraineeStatus.objects.filter(person__in=people_in_scope(request.user), pk=pk).select_related(
        "person").first()
    if status is None:
        raise Http404
    return _issue(request, status.person, lambda language: documents.do_issue_title_attestation(
        status, by=request.user, language=language))
