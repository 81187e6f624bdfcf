"""RD68 ch. 6: public-health interns who did their internat in year 6 may be sent, when needed, to
replace a doctor in a rural centre of the Ministry, for six months at most in all. That time
counts as internat (no computed date moves); a daily allowance is due when the mission forces a
change of residence (the days are shown here; the amount is payroll's)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from residanat.accounts.authority import is_ministry
from residanat.people.models import TraineeStatus
from residanat.rules.parameters import load_parameters, param
from residanat.rules.service_time import ONE_DAY, Span, date_after_service, merge

from .dates import career_date
from .models import RuralMission

KEY = "ph_intern.rural_mission_max_months"


def mission_ref(on: dt.date) -> str:
    return load_parameters().get(KEY, on).ref


def cumulated_end(spans: list[Span], months: int) -> dt.date:
    """The last day on which missions (in order, with the gaps between them not counted) still fit
    in `months` of mission time."""
    merged = merge(spans)
    gaps = [Span(a.end + ONE_DAY, b.start - ONE_DAY) for a, b in zip(merged, merged[1:]) if b.start > a.end + ONE_DAY]
    return date_after_service(merged[0].start, months, gaps) - ONE_DAY


def mission_days(missions) -> int:
    return sum((m.end_date - m.start_date).days + 1 for m in missions)


def may_record_mission(user) -> bool:
    return is_ministry(user)


def _refusal(status: TraineeStatus, establishment, span: Span) -> str | None:
    ref = mission_ref(span.start)
    if status.kind != TraineeStatus.Kind.PUBLIC_HEALTH_INTERN:
        return _("Seuls les internes des hôpitaux de santé publique sont envoyés en mission rurale (%(ref)s).") % {
            "ref": ref}
    if not status.internat_in_year6:
        return _("Seuls les internes ayant effectué leur internat en 6e année peuvent être envoyés en mission "
                 "rurale (%(ref)s).") % {"ref": ref}
    if establishment is None or establishment.hospital_centre_id is not None:
        return _("La mission se fait dans un centre du ministère, hors centre hospitalier universitaire (%(ref)s).") % {
            "ref": ref}
    last_day = status.end_date or career_date(status, "expected_end")
    if span.start < status.start_date or span.end > last_day:
        return _("La mission doit se tenir pendant l'internat, du %(start)s au %(end)s (%(ref)s).") % {
            "start": f"{status.start_date:%d/%m/%Y}", "end": f"{last_day:%d/%m/%Y}", "ref": ref}
    done = [Span(m.start_date, m.end_date) for m in status.rural_missions.all()]
    if any(d.overlaps(span) for d in done):
        return _("Cette mission chevauche une mission déjà enregistrée.")
    months = int(param(KEY, on=span.start))
    limit = cumulated_end([*done, span], months)
    if max(s.end for s in [*done, span]) > limit:
        return _("Les missions rurales sont limitées à %(months)s mois en tout (%(ref)s) : %(days)s jours sont déjà "
                 "accomplis, et avec celle-ci la limite est atteinte le %(limit)s.") % {
            "months": months, "ref": ref, "days": sum(d.days for d in done), "limit": f"{limit:%d/%m/%Y}"}
    return None


def do_record_rural_mission(status: TraineeStatus, establishment, start: dt.date, end: dt.date, forces_move: bool,
                            reference: str, by) -> RuralMission:
    if not may_record_mission(by):
        raise PermissionDenied(_("Les missions en milieu rural sont décidées par le ministère (%(ref)s).") % {
            "ref": mission_ref(start)})
    if end < start:
        raise ValidationError(_("La fin de la mission précède son début."), code="range")
    if not reference.strip():
        raise ValidationError(_("La référence de la décision est obligatoire."), code="reference")
    with transaction.atomic():
        status = TraineeStatus.objects.select_for_update().get(pk=status.pk)
        refusal = _refusal(status, establishment, Span(start, end))
        if refusal:
            raise ValidationError(refusal, code="refused")
        return RuralMission.objects.create(status=status, establishment=establishment, start_date=start,
                                           end_date=end, forces_move=bool(forces_move), reference=reference.strip(),
                                           recorded_by=by)
