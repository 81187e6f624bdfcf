"""The payroll's outputs: the bank transfer file and its withheld list, the run summary PDF, the
payslips (a trainee's own list, and each payslip in French or Arabic).

Run pages: the payroll's readers only (authority.reads_payroll, 403 for other roles), and only the
runs they see (PayrollRun.objects.visible_to, 404 outside). A payslip: see payslips.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from residanat.documents.http import document_language, document_response

from . import authority, documents, links, payslips, transfer
from .models import PayrollRun


def _payer(run: PayrollRun) -> str:
    return documents.payer_names(run)[document_language()]


def _run(request, pk) -> PayrollRun:
    if not authority.reads_payroll(request.user):
        raise PermissionDenied
    runs = PayrollRun.objects.visible_to(request.user).select_related(
        "hospital_centre", "health_group", "opened_by", "computed_by", "approved_by", "closed_by")
    return get_object_or_404(runs, pk=pk)


@login_required
def run_transfer(request, pk):
    """The transfer file of an approved or closed run; before, a page that says why not (409)."""
    run = _run(request, pk)
    why = transfer.refusal(run)
    if why:
        context = {"run": run, "payer": _payer(run), "why": why}
        return render(request, "payroll/outputs/refused.html", context, status=409)
    return document_response(transfer.transfer_csv(run), transfer.filename(run), "text/csv; charset=utf-8")


@login_required
def run_withheld(request, pk):
    """Who the transfer file leaves out and why: no valid RIB, a negative net to recover, nothing due."""
    run = _run(request, pk)
    order = transfer.transfer_order(run)
    # Each name links to the pay file, where its RIB is corrected (when the reader may open it).
    files = links.files_of(request.user, [run], [w.person_id for w in order.withheld])
    return render(request, "payroll/outputs/withheld.html", {
        "run": run, "payer": _payer(run), "order": order, "payable": transfer.refusal(run) is None,
        **{group: [(w, files.get(w.person_id)) for w in getattr(order, group)]
           for group in ("unpaid", "to_recover", "nothing")},
        # Amounts as the transfer file writes them (two decimals, a dot), to compare one with the other.
        "paid_total": f"{order.total:.2f}",
        "unpaid_total": f"{order.sum(order.unpaid):.2f}",
        "to_recover_total": f"{order.sum(order.to_recover):.2f}",
    })


@login_required
def run_summary(request, pk):
    run = _run(request, pk)
    language = document_language(request)
    pdf = documents.summary_pdf(run, language, request.user)
    return document_response(pdf, documents.summary_filename(run, language), "application/pdf", inline=True)


@login_required
def my_payslips(request):
    """The user's own payslips, closed runs only (anyone logged in; a staff member without a
    trainee file sees an empty list)."""
    return render(request, "payroll/outputs/my_payslips.html", {"slips": payslips.own_payslips(request.user)})


@login_required
def payslip(request, run_pk, person_pk):
    try:
        slip = payslips.find_payslip(request.user, run_pk, person_pk)
    except payslips.PayslipUnavailable:
        raise Http404 from None
    language = document_language(request)
    pdf = payslips.payslip_pdf(slip, language, request.user)
    return document_response(pdf, payslips.payslip_filename(slip, language), "application/pdf", inline=True)
