"""Pages of the choice of services by merit (D93 art. 14–15, RD68 ch. 5): the periods in scope,
the office's page of one period (seats and their approvals, wishes, call order, assignment and
results) and the trainee's own wishes.

Views stay thin: they find the period in the user's scope (`visible_to`; 404 outside it), parse
the request and call the services of `periods` (403 to whoever sees the period but may not act,
a trainee who chooses in it included). The office's page itself is for the staff: a trainee gets
404 there and has their own wishes page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from residanat.accounts.roles import Role
from residanat.people.models import TraineeStatus
from residanat.common.actions import perform

from . import periods as svc
from .forms_periods import ByHandForm, OpenWishesForm, PeriodForm, SeatsForm, WishesForm
from .models import PeriodChooser, Rotation, RotationPeriod
from .rotations import done_rotations

State = RotationPeriod.State


# --- finding the period --------------------------------------------------------------------------

def _visible(request, pk) -> RotationPeriod:
    return get_object_or_404(RotationPeriod.objects.visible_to(request.user)
                             .select_related("hospital_centre", "faculty", "seats_approved_by_dean",
                                             "seats_approved_by_director"), pk=pk)


def staff_period_ids(user, periods) -> set[int]:
    """The periods `user` sees through a staff role (not only through their own place in it)."""
    if user.is_superuser:
        return {p.pk for p in periods}
    ids = [p.pk for p in periods]
    found: set[int] = set()
    for assignment in user.active_roles():
        if assignment.role != Role.TRAINEE:
            found |= set(RotationPeriod.objects.within(assignment).filter(pk__in=ids).values_list("pk", flat=True))
    return found


def _office_period(request, pk) -> RotationPeriod:
    """The office pages are for the staff who see the period; a trainee (who sees it through their
    own place) gets 404 there, as anybody outside the scope."""
    period = _visible(request, pk)
    if period.pk not in staff_period_ids(request.user, [period]):
        raise Http404
    return period


def _labels(missing) -> list[str]:
    """The mandatory rotations still owed, in the page's language, each with how many and why."""
    language = get_language() or "fr"
    return [f"{m.requirement.label(language)} ({m.count})" for m in missing]


def _back(period):
    return redirect("careers:period", pk=period.pk)


# --- the list and creation -----------------------------------------------------------------------

def _create_form(user, data=None):
    centres, rd68 = svc.creatable_centres(user)
    if not rd68 and not centres.exists():
        return None
    return PeriodForm(data, centres=centres, rd68=rd68)


@login_required
def period_list(request):
    return _list_page(request, _create_form(request.user))


def _list_page(request, form, status=200):
    periods = list(RotationPeriod.objects.visible_to(request.user).select_related("hospital_centre", "faculty")
                   .annotate(total_seats=Sum("seats__seats")))
    staff = staff_period_ids(request.user, periods)
    choosers = dict(PeriodChooser.objects.visible_to(request.user).filter(period__in=periods)
                    .values("period").annotate(n=Count("pk")).values_list("period", "n"))
    own = set(PeriodChooser.objects.visible_to(request.user)
              .filter(period__in=periods, status__person__user=request.user).values_list("period", flat=True))
    for period in periods:
        period.office, period.mine, period.chooser_count = period.pk in staff, period.pk in own, choosers.get(period.pk)
    return render(request, "careers/periods/list.html", {"periods": periods, "form": form}, status=status)


@login_required
@require_POST
def period_create(request):
    form = _create_form(request.user, request.POST)
    if form is None:
        raise PermissionDenied
    if form.is_valid():
        data = form.cleaned_data
        created = perform(request, svc.do_create_period, regime=data["regime"], track=data["track"],
                          hospital_centre=data["hospital_centre"], faculty=data["faculty"], label=data["label"],
                          start=data["start_date"], end=data["end_date"], by=request.user, form=form,
                          success=_("Période créée : saisissez les places par service."))
        if created:
            return _back(created.result)
    # Shown again with what was typed, the errors at the top of the form and beside each field.
    return _list_page(request, form, status=400)


# --- the office's page ---------------------------------------------------------------------------

def _approvals(period) -> list[dict]:
    if period.regime == TraineeStatus.Regime.RD68:
        return [{"who": _("Ministère"), "by": period.seats_approved_by_director,
                 "at": period.seats_approved_by_director_at}]
    return [{"who": _("Doyen (faculté)"), "by": period.seats_approved_by_dean, "at": period.seats_approved_by_dean_at},
            {"who": _("Directeur du centre hospitalier"), "by": period.seats_approved_by_director,
             "at": period.seats_approved_by_director_at}]


def _chooser_rows(request, period) -> list[PeriodChooser]:
    choosers = list(PeriodChooser.objects.visible_to(request.user).filter(period=period)
                    .select_related("status__person").annotate(wish_count=Count("wishes")).order_by("order"))
    done = svc.done_by_status([c.status for c in choosers])
    placed = dict(Rotation.objects.filter(period=period).values_list("status", "service"))
    services = {s.service_id: s.service for s in period.seats.select_related("service")}
    for chooser in choosers:
        # Validated or under way rotations count, this period's included once assigned.
        chooser.missing = _labels(svc.missing_for(chooser.status, done[chooser.status_id], period.start_date))
        chooser.placed = services.get(placed.get(chooser.status_id))
        chooser.is_placed = chooser.status_id in placed
    return choosers


@login_required
def period_detail(request, pk):
    return _detail_page(request, _office_period(request, pk))


def _detail_page(request, period, bound: dict | None = None):
    """The office's page; after a refused form, `bound` names it (seats_form, open_form or
    hand_form) with what was typed and its errors, and the page answers 400."""
    user, now = request.user, timezone.now()
    lines = svc.seat_lines(period)
    office = svc.is_office(user, period)
    editable = period.state == State.PREPARING and svc.can_set_seats(user, period)
    given = {w for w in (svc.DEAN, svc.DIRECTOR) if getattr(period, f"seats_approved_by_{w}_id")}
    choosers = _chooser_rows(request, period)
    left = [c for c in choosers if not c.is_placed]
    context = {
        "period": period, "lines": lines, "total_seats": sum(line.seats.seats for line in lines),
        "total_filled": sum(line.filled for line in lines), "office": office, "editable": editable,
        "approvals": _approvals(period), "missing_approvals": svc.missing_approvals(period),
        "can_approve": period.state == State.PREPARING and bool(svc.approvals_of(user, period) - given),
        "choosers": choosers, "unassigned": left if period.state == State.ASSIGNED else [],
        "deadline_passed": period.wishes_deadline is not None and now >= period.wishes_deadline,
        "can_open": office and period.state != State.ASSIGNED,
    }
    if editable:
        current = {line.seats.service_id: line.seats.seats for line in lines}
        context["seats_form"] = SeatsForm(services=svc.seat_services(period), current=current)
    if context["can_open"]:
        deadline = period.wishes_deadline
        context["open_form"] = OpenWishesForm(initial={"deadline": timezone.localtime(deadline) if deadline else None})
    if office and context["unassigned"]:
        context["hand_form"] = _hand_form(period)
    context.update(bound or {})
    return render(request, "careers/periods/detail.html", context, status=400 if bound else 200)


def _hand_form(period, data=None):
    placed = Rotation.objects.filter(period=period).values("status")
    open_services = [line.seats.service_id for line in svc.seat_lines(period) if line.left > 0]
    return ByHandForm(data, choosers=period.choosers.exclude(status__in=placed).select_related("status__person"),
                      services=svc.seat_services(period).filter(pk__in=open_services))


@login_required
@require_POST
def period_seats(request, pk):
    period = _visible(request, pk)
    if not svc.can_set_seats(request.user, period):
        raise PermissionDenied
    form = SeatsForm(request.POST, services=svc.seat_services(period), current={})
    if form.is_valid() and perform(request, svc.do_set_seats, period, form.seats(), request.user, form=form,
                                   success=_("Places enregistrées. Elles doivent être arrêtées de nouveau.")):
        return _back(period)
    return _detail_page(request, _office_period(request, pk), {"seats_form": form})


@login_required
@require_POST
def period_approve(request, pk):
    period = _visible(request, pk)
    perform(request, svc.do_approve_seats, period, request.user, success=_("Places arrêtées."))
    return _back(period)


@login_required
@require_POST
def period_open(request, pk):
    period = _visible(request, pk)
    if not svc.is_office(request.user, period):
        raise PermissionDenied
    form = OpenWishesForm(request.POST)
    if form.is_valid() and perform(
            request, svc.do_open_wishes, period, form.cleaned_data["deadline"], request.user, form=form,
            success=lambda opened: ngettext("Vœux ouverts jusqu'au %(at)s : %(n)s stagiaire appelé à choisir.",
                                            "Vœux ouverts jusqu'au %(at)s : %(n)s stagiaires appelés à choisir.",
                                            opened.choosers.count())
            % {"at": f"{timezone.localtime(opened.wishes_deadline):%d/%m/%Y %H:%M}", "n": opened.choosers.count()}):
        return _back(period)
    return _detail_page(request, _office_period(request, pk), {"open_form": form})


@login_required
@require_POST
def period_assign(request, pk):
    period = _visible(request, pk)
    perform(request, svc.do_assign_period, period, request.user, success=lambda result: ngettext(
        "Services attribués : %(n)s stagiaire placé, %(left)s sans service.",
        "Services attribués : %(n)s stagiaires placés, %(left)s sans service.",
        len(result.rotations)) % {"n": len(result.rotations), "left": len(result.unassigned)})
    return _back(period)


@login_required
@require_POST
def period_assign_by_hand(request, pk):
    period = _visible(request, pk)
    if not svc.is_office(request.user, period):
        raise PermissionDenied
    form = _hand_form(period, request.POST)
    if form.is_valid():
        chooser, service = form.cleaned_data["chooser"], form.cleaned_data["service"]
        if perform(request, svc.do_assign_by_hand, period, chooser, service, request.user, form=form,
                   success=_("%(who)s affecté(e) au service « %(service)s ».")
                   % {"who": chooser.status.person, "service": service.name}):
            return _back(period)
    return _detail_page(request, _office_period(request, pk), {"hand_form": form})


# --- the trainee's own wishes --------------------------------------------------------------------

def _own_chooser(request, pk) -> PeriodChooser:
    """The signed-in trainee's place in the period (404 for anybody else)."""
    return get_object_or_404(
        PeriodChooser.objects.visible_to(request.user).select_related("period__hospital_centre", "status__person"),
        period__pk=pk, status__person__user=request.user)


@login_required
def period_wishes(request, pk):
    chooser = _own_chooser(request, pk)
    period = chooser.period
    options = svc.options_for(chooser)
    current = {w.service_id: w.rank for w in chooser.wishes.all()}
    form = WishesForm(request.POST if request.method == "POST" else None, options=options, current=current)
    if request.method == "POST":
        if form.is_valid():
            saved = perform(request, svc.do_save_wishes, chooser, form.cleaned_data["services"], request.user, form=form,
                            success=lambda wishes: ngettext("Vœux enregistrés (%(n)s service).",
                                                            "Vœux enregistrés (%(n)s services).",
                                                            len(wishes)) % {"n": len(wishes)})
            if saved:
                return redirect("careers:period-wishes", pk=period.pk)
    rotation = Rotation.objects.visible_to(request.user).filter(period=period, status=chooser.status).first()
    done = done_rotations(chooser.status)
    return render(request, "careers/periods/wishes.html", {
        "period": period, "chooser": chooser, "form": form, "open": svc.wishes_open(period),
        "wishes": list(chooser.wishes.select_related("service__establishment")), "rotation": rotation,
        "missing": _labels(svc.missing_for(chooser.status, done, period.start_date)),
        "refused": sum(1 for _s, refusal in options if refusal),
    })
