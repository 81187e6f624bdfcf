"""The payroll's data entry pages: the pay file of a status (pay terms, bank account, stipend stops,
lines already paid), the amounts in force with the orders that changed them, and the territorial
health groups.

Thin, as the other pages: find the row through the staff's scope (404 outside it; a trainee gets
404 on pay files, their payslips are their own pages), refuse the payroll to whoever does not read
it and the forms to whoever may not act (403), parse, call the service of services.py or
rates.py, and show its refusal on the field it names."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from residanat.accounts.authority import is_ministry
from residanat.common.actions import perform
from residanat.people.models import TraineeStatus
from residanat.referential.models import Region
from residanat.rules.rib import grouped

from . import authority
from .forms_files import BankAccountForm, HealthGroupForm, PayTermsForm, RateOrderForm, StipendStopForm
from .models import BankAccount, Payer, PayLine, PayrollRun, PayTerms, RateOrder, StipendStop, TerritorialGroup
from .rates import do_enter_rate_order, do_set_health_group, key_label, rate_rows
from .services import (applicable_terms, do_record_stipend_stop, do_set_bank_account, do_set_pay_terms, facts_of,
                       may_change_pay, may_record_stop, pay_file_statuses, payer_of_status, terms_in_force)

LINES_PER_PAGE = 25


def _language() -> str:
    return "ar" if (get_language() or "").startswith("ar") else "fr"


def _reader(request) -> None:
    if not authority.reads_payroll(request.user):
        raise PermissionDenied


# --- the pay file of a status ------------------------------------------------------------------

def _status(request, pk) -> TraineeStatus:
    status = get_object_or_404(pay_file_statuses(request.user).select_related(
        "person", "faculty", "hospital_centre", "establishment", "service", "specialty"), pk=pk)
    _reader(request)
    return status


def file_url(status_pk: int) -> str:
    return reverse("payroll:pay-file", args=[status_pk])


def _payer_name(status) -> str:
    payer, _centre = payer_of_status(status)
    if payer == Payer.CHU and status.hospital_centre:
        return status.hospital_centre.name
    if status.kind == TraineeStatus.Kind.SEVENTH_YEAR:
        # RD68 ch. 14: the GST of the establishment's region from the date it took up its powers.
        place = status.establishment or status.hospital_centre
        group = (TerritorialGroup.objects.filter(region_id=place.province.region_id).exclude(powers_from=None).first()
                 if place and place.province_id else None)
        if group is not None:
            return _("%(group)s depuis le %(date)s (le ministère avant)") % {
                "group": group.name(_language()), "date": f"{group.powers_from:%d/%m/%Y}"}
    return str(Payer.MSPS.label)


def _lines(request, status):
    """The lines closed runs paid for this status, the latest month first."""
    lines = (PayLine.objects.visible_to(request.user)
             .filter(status=status, run__state=PayrollRun.State.CLOSED)
             .select_related("run", "run__hospital_centre", "run__health_group")
             .order_by("-run__month", "-month_corrected", "code", "pk"))
    page = Paginator(lines, LINES_PER_PAGE).get_page(request.GET.get("page"))
    language = _language()
    for line in page.object_list:
        line.payer_label = line.run.payer_name(language)
        line.label = key_label(line.key, language)
    return page


def _render_file(request, status, terms_form=None, bank_form=None, stop_form=None):
    user = request.user
    can_pay = may_change_pay(user, status)
    today = timezone.localdate()
    in_force = terms_in_force(status, today)
    history = (PayTerms.objects.visible_to(user).filter(status=status).select_related("updated_by")
               .order_by("-valid_from"))
    account = BankAccount.objects.filter(person=status.person).select_related("updated_by").first()
    if can_pay and terms_form is None and applicable_terms(status):
        start = max(today, status.start_date)
        start = min(start, status.end_date) if status.end_date else start
        terms_form = PayTermsForm(status=status, initial={"valid_from": start, **facts_of(in_force)})
    if can_pay and bank_form is None:
        bank_form = BankAccountForm(initial={"holder": account.holder if account else status.person.full_name,
                                             "rib": account.rib if account else ""})
    can_stop = may_record_stop(user, status)
    if can_stop and stop_form is None:
        stop_form = StipendStopForm()
    stops = (StipendStop.objects.visible_to(user).filter(status=status).select_related("recorded_by")
             .order_by("-start_date"))
    return render(request, "payroll/files/pay_file.html", {
        "status": status, "timeline": reverse("careers:person-timeline", args=[status.person_id]),
        "payer": _payer_name(status), "in_force": in_force, "facts": facts_of(in_force), "history": history,
        "applicable": applicable_terms(status), "account": account, "stops": stops,
        "rib_grouped": grouped(account.rib) if account else "",
        "can_pay": can_pay, "can_stop": can_stop, "terms_form": terms_form, "bank_form": bank_form,
        "stop_form": stop_form, "page": _lines(request, status),
    })


@login_required
def pay_file(request, status_pk):
    return _render_file(request, _status(request, status_pk))


def _changer(request, status_pk) -> TraineeStatus:
    status = _status(request, status_pk)
    if not may_change_pay(request.user, status):
        raise PermissionDenied
    return status


@login_required
@require_POST
def pay_terms(request, status_pk):
    status = _changer(request, status_pk)
    form = PayTermsForm(request.POST, status=status)
    if form.is_valid() and perform(
            request, do_set_pay_terms, status, request.user, **form.cleaned_data, form=form,
            success=lambda result: _("Éléments de paie enregistrés ; la prochaine paie en tient compte.")
            if result[1] else _("Éléments de paie inchangés.")):
        return redirect(file_url(status.pk))
    return _render_file(request, status, terms_form=form)


@login_required
@require_POST
def bank_account(request, status_pk):
    status = _changer(request, status_pk)
    form = BankAccountForm(request.POST)
    if form.is_valid() and perform(request, do_set_bank_account, status.person, request.user,
                                   form.cleaned_data["holder"], form.cleaned_data["rib"], status=status, form=form,
                                   success=_("Compte bancaire enregistré.")):
        return redirect(file_url(status.pk))
    return _render_file(request, status, bank_form=form)


@login_required
@require_POST
def stipend_stop_new(request, status_pk):
    status = _status(request, status_pk)
    if not may_record_stop(request.user, status):
        raise PermissionDenied
    form = StipendStopForm(request.POST)
    if form.is_valid() and perform(
            request, do_record_stipend_stop, status, request.user, form.cleaned_data["start"],
            form.cleaned_data["end"], form.cleaned_data["decision_ref"], form=form,
            success=_("Exclusion temporaire enregistrée : l'indemnité n'est pas due pendant cette période ; un mois "
                      "déjà clôturé sera régularisé par la prochaine paie.")):
        return redirect(file_url(status.pk))
    return _render_file(request, status, stop_form=form)


# --- the amounts -------------------------------------------------------------------------------

def _chosen_date(request) -> dt.date | None:
    raw = request.GET.get("on") or ""
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        messages.error(request, _("Date non comprise : « %(raw)s » (attendu AAAA-MM-JJ).") % {"raw": raw})
        return None


def _render_rates(request, form=None):
    today = timezone.localdate()
    on = _chosen_date(request)
    language = _language()
    can_enter = is_ministry(request.user)
    if can_enter and form is None:
        form = RateOrderForm(language=language)
    orders = list(RateOrder.objects.select_related("entered_by").order_by("-entered_at", "-pk"))
    for order in orders:
        order.label = key_label(order.key, language)
    return render(request, "payroll/files/rates.html", {
        "today": today, "on": on, "rows": rate_rows(today, on, language), "orders": orders,
        "can_enter": can_enter, "form": form if can_enter else None,
    })


@login_required
def rates(request):
    _reader(request)
    return _render_rates(request)


@login_required
@require_POST
def rate_order_new(request):
    if not is_ministry(request.user):
        raise PermissionDenied
    form = RateOrderForm(request.POST, language=_language())
    if form.is_valid():
        data = form.cleaned_data
        if perform(request, do_enter_rate_order, request.user, data["key"], data["value"], data["valid_from"],
                   data["valid_to"], data["order_ref"], form=form, success=_rate_order_entered):
            return redirect("payroll:rates")
    return _render_rates(request, form=form)


def _rate_order_entered(order) -> str:
    if order.valid_from < timezone.localdate().replace(day=1):
        return _("Arrêté enregistré, avec effet au %(date)s : la prochaine paie de chaque payeur paiera les rappels "
                 "des mois déjà clôturés.") % {"date": f"{order.valid_from:%d/%m/%Y}"}
    return _("Arrêté enregistré, avec effet au %(date)s.") % {"date": f"{order.valid_from:%d/%m/%Y}"}


# --- the territorial health groups -------------------------------------------------------------

@login_required
def health_groups(request):
    _reader(request)
    regions = Region.objects.select_related("health_group").order_by("code")
    rows = [(region, getattr(region, "health_group", None)) for region in regions]
    return render(request, "payroll/files/health_groups.html", {
        "rows": rows, "can_edit": is_ministry(request.user)})


@login_required
def health_group_edit(request, region_pk):
    _reader(request)
    region = get_object_or_404(Region.objects.select_related("health_group"), pk=region_pk)
    if not is_ministry(request.user):
        raise PermissionDenied
    group = getattr(region, "health_group", None)
    initial = ({"name_fr": group.name_fr, "name_ar": group.name_ar, "powers_from": group.powers_from,
                "decree_ref": group.decree_ref} if group else {})
    form = HealthGroupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def saved(result) -> str:
            changed = result[1]
            if changed and group is not None and group.powers_from != data["powers_from"]:
                return _("Groupement enregistré. La date de prise de fonctions a changé : les prochaines paies du "
                         "ministère et du groupement régularisent les mois déjà clôturés (RD68 ch. 14).")
            return _("Groupement enregistré.") if changed else _("Groupement inchangé.")

        if perform(request, do_set_health_group, request.user, region, data["name_fr"], data["name_ar"],
                   data["powers_from"], data["decree_ref"], form=form, success=saved):
            return redirect("payroll:health-groups")
    return render(request, "payroll/files/health_group_form.html", {"region": region, "group": group, "form": form})
