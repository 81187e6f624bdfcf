"""Service commitment pages (D93 art. 27, 27 bis, 32 bis): the commitments in the user's scope (in
progress with their expected end, ending within the year, released or broken), recording one and
its periods of service, its page (progress, periods counted double, the sums received month by
month, the buy-back and its steps), and the statement of sums received in French and Arabic.

Read through Commitment.objects.visible_to (404 outside the scope); who may act is the services'
(commitments.py)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from residanat.accounts.authority import is_ministry
from residanat.documents import kinds
from residanat.documents.http import document_language, issued_pdf_response
from residanat.common.actions import perform
from residanat.common.feedback import report_form_errors
from residanat.common.forms import date_field
from residanat.people.models import TraineeStatus
from residanat.referential.models import Establishment
from residanat.rules.service_time import add_months

from . import commitments, statements
from .models import Buyback, Commitment

# "Ending": the expected end falls within the next 12 months.
ENDING_MONTHS = 12


def _commitments(user):
    return Commitment.objects.visible_to(user).select_related("status", "status__person", "status__hospital_centre")


def _commitment(request, pk) -> Commitment:
    return get_object_or_404(_commitments(request.user), pk=pk)


@login_required
def commitment_list(request):
    today = timezone.localdate()
    horizon = add_months(today, ENDING_MONTHS)
    rows = []
    for commitment in _commitments(request.user).prefetch_related("services"):
        progress = commitments.progress(commitment, today)
        in_progress = commitment.state == Commitment.State.IN_PROGRESS
        rows.append({"commitment": commitment, "progress": progress,
                     "ending": in_progress and progress.expected_end is not None and progress.expected_end <= horizon})
    groups = {
        "in_progress": [r for r in rows if r["commitment"].in_force],
        "ended": [r for r in rows if not r["commitment"].in_force],
    }
    return render(request, "discipline/commitments/list.html", {
        "groups": groups, "ending": sum(1 for r in rows if r["ending"]), "months": ENDING_MONTHS})


class CommitmentForm(forms.Form):
    counterpart = forms.ChoiceField(label=gettext_lazy("Engagé envers"), choices=Commitment.Counterpart.choices)
    counterpart_name = forms.CharField(label=gettext_lazy("Nom de l'administration"), required=False, max_length=200)
    signed_on = date_field(gettext_lazy("Signé le"))
    civil_servant = forms.BooleanField(label=gettext_lazy("Déjà fonctionnaire ou salarié (D93 art. 27)"),
                                       required=False)


@login_required
def commitment_new(request, status_pk):
    status = get_object_or_404(TraineeStatus.objects.visible_to(request.user).select_related("person"), pk=status_pk)
    if status.kind != TraineeStatus.Kind.RESIDENT or not is_ministry(request.user):
        raise PermissionDenied
    form = CommitmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        recorded = perform(request, commitments.do_record_commitment, request.user, status, **form.cleaned_data,
                           success=_("Engagement enregistré."))
        if recorded:
            return redirect("discipline:commitment", recorded.result.pk)
    return render(request, "discipline/commitments/new.html", {"status": status, "form": form})


class ActionForm(forms.Form):
    on = date_field(gettext_lazy("Date"))
    ref = forms.CharField(label=gettext_lazy("Référence"), required=False, max_length=200)
    reason = forms.ChoiceField(label=gettext_lazy("Motif"), choices=Buyback.Reason.choices, required=False)
    returned_on = date_field(gettext_lazy("Retour dans l'administration le"), required=False)
    establishment = forms.ModelChoiceField(label=gettext_lazy("Établissement"), required=False,
                                           queryset=Establishment.objects.order_by("name_fr"))
    end = date_field(gettext_lazy("Au (vide : en cours)"), required=False)
    # D93 art. 27 bis bis: the salary of a trainee civil servant, paid outside this system.
    salary = forms.DecimalField(label=gettext_lazy("Traitement perçu hors de cette paie (MAD)"), required=False,
                                min_value=0, max_digits=12, decimal_places=2)
    salary_source = forms.CharField(label=gettext_lazy("Source du montant (attestation, état de paie)"),
                                    required=False, max_length=200)


def _detail(request, commitment, failed=None, failed_form=None, status=200):
    today = timezone.localdate()
    buyback = Buyback.objects.filter(commitment=commitment).first()
    return render(request, "discipline/commitments/detail.html", {
        "commitment": commitment, "progress": commitments.progress(commitment, today),
        "services": commitment.services.select_related("establishment"),
        "received": commitments.sums_received(commitment),
        "buyback": buyback,
        "salary_missing": buyback is not None and commitments.salary_missing(buyback),
        "keeper": commitments.may_keep(request.user, commitment),
        "approver": commitments.may_approve_release(request.user, commitment),
        # A refused operation (a period overlapping another, D93 art. 27; a salary missing its
        # source…) comes back open with what was typed; the other operations keep their defaults.
        "failed": failed,
        "forms": {action: failed_form if action == failed else ActionForm(initial={"on": today.isoformat()})
                  for action in ACTIONS},
    }, status=status)


@login_required
def commitment_detail(request, pk):
    return _detail(request, _commitment(request, pk))


def _service(user, commitment, data):
    commitments.do_add_service(user, commitment, data["establishment"], data["on"], data["end"])


def _salary(user, commitment, data):
    if data["salary"] is None:
        raise commitments.CommitmentRefused(_("Saisissez le montant du traitement perçu."))
    return commitments.do_record_salary(user, _buyback(commitment), data["salary"], data["salary_source"])


def _buyback(commitment):
    found = Buyback.objects.filter(commitment=commitment).first()
    if found is None:
        raise commitments.CommitmentRefused(_("Aucun rachat n'est enregistré pour cet engagement."))
    return found


ACTIONS = {
    "service": _service,
    "release": lambda user, c, d: commitments.do_approve_release(user, c, d["on"], d["ref"], d["salary"],
                                                              d["salary_source"]),
    "payment": lambda user, c, d: commitments.do_record_payment(user, _buyback(c), d["on"], d["ref"]),
    "breach": lambda user, c, d: commitments.do_record_breach(user, c, d["reason"] or Buyback.Reason.DROPOUT, d["on"],
                                                           d["ref"], d["returned_on"], d["salary"],
                                                           d["salary_source"]),
    "salary": lambda user, c, d: _salary(user, c, d),
    "left": lambda user, c, d: commitments.do_record_early_leave(user, _buyback(c), d["on"]),
}


@login_required
@require_POST
def commitment_action(request, pk, action):
    commitment = _commitment(request, pk)
    if action not in ACTIONS:
        raise Http404
    form = ActionForm(request.POST)
    if not form.is_valid():
        report_form_errors(request, form)
        return _detail(request, commitment, action, form, status=400)
    if action in ("release", "breach") and not (form.cleaned_data["ref"] or "").strip():
        messages.error(request, _("Saisissez la référence de l'accord ou de la décision."))
        return _detail(request, commitment, action, form, status=400)
    if not perform(request, ACTIONS[action], request.user, commitment, form.cleaned_data, success=_("Enregistré.")):
        return _detail(request, commitment, action, form, status=400)
    return redirect("discipline:commitment", commitment.pk)


@login_required
def commitment_statement(request, pk):
    # The commitments through which the statement is read (kinds.readers, the register's rule too).
    commitment = get_object_or_404(kinds.readers(statements.STATEMENT).rows(request.user).select_related(
        "status", "status__person", "status__hospital_centre"), pk=pk)
    language = document_language(request, default="fr")
    document = statements.issue(commitment, language, request.user)
    return issued_pdf_response(document, inline=True)
