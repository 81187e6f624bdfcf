"""Forms of the payroll run pages: opening a month for a payer, and the filters of the lists."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from residanat.people.models import TraineeStatus
from residanat.referential.models import HospitalCentre

from . import authority
from .models import Payer, PayLine, PayrollRun, TerritorialGroup, payer_key


class MonthInput(forms.TextInput):
    input_type = "month"


def parse_month(value: str) -> dt.date | None:
    """"2026-03" (what <input type=month> sends) or "03/2026" → 1 March 2026."""
    value = (value or "").strip()
    for pattern in ("%Y-%m", "%m/%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date().replace(day=1)
        except ValueError:
            continue
    return None


def _arabic() -> bool:
    return (get_language() or "fr").startswith("ar")


def operated_payers(user) -> list[tuple[str, str, object]]:
    """(payer key, label, unit) of every payer whose runs `user` may open: the Ministry and the
    GSTs for a national payroll officer, the hospital centres they keep (all of them when national)."""
    arabic = _arabic()
    found = []
    if authority.operates(user, Payer.MSPS):
        found.append((payer_key(Payer.MSPS, None, None), str(Payer.MSPS.label), None))
    for centre in HospitalCentre.objects.order_by("name_fr"):
        if authority.operates(user, Payer.CHU, centre.pk):
            label = centre.name_ar if arabic and centre.name_ar else centre.name_fr
            found.append((payer_key(Payer.CHU, centre.pk, None), label, centre))
    if authority.operates(user, Payer.GST):
        for group in TerritorialGroup.objects.order_by("region__code"):
            label = f"{Payer.GST.label} — {group.name('ar' if arabic else 'fr')}"
            found.append((payer_key(Payer.GST, None, group.pk), label, group))
    return found


class OpenRunForm(forms.Form):
    month = forms.CharField(label=_("Mois"), widget=MonthInput(attrs={"placeholder": "AAAA-MM"}),
                            help_text=_("Le mois qui suit le dernier mois clôturé de ce payeur."))
    payer = forms.ChoiceField(label=_("Payeur"))

    def __init__(self, *args, payers: list[tuple[str, str, object]], **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {key: unit for key, _label, unit in payers}
        self.fields["payer"].choices = [(key, label) for key, label, _unit in payers]

    def clean_month(self):
        month = parse_month(self.cleaned_data["month"])
        if month is None:
            raise ValidationError(_("Mois invalide : saisissez l'année et le mois (AAAA-MM)."))
        return month

    def unit(self) -> dict:
        """do_open_run's arguments for the chosen payer."""
        key = self.cleaned_data["payer"]
        unit = self.units[key]
        if isinstance(unit, HospitalCentre):
            return {"payer": Payer.CHU, "hospital_centre": unit}
        if isinstance(unit, TerritorialGroup):
            return {"payer": Payer.GST, "health_group": unit}
        return {"payer": Payer.MSPS}


def _blank(label):
    return [("", label)]


class RunFilterForm(forms.Form):
    payer = forms.ChoiceField(label=_("Payeur"), required=False)
    state = forms.ChoiceField(label=_("État"), required=False,
                              choices=_blank(_("tous")) + list(PayrollRun.State.choices))

    def __init__(self, *args, payers: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payer"].choices = _blank(_("tous")) + payers


class LineFilterForm(forms.Form):
    q = forms.CharField(label=_("Nom ou CIN"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Nature"), required=False,
                             choices=_blank(_("toutes")) + list(PayLine.Kind.choices))
    status_kind = forms.ChoiceField(label=_("Statut"), required=False,
                                    choices=_blank(_("tous")) + list(TraineeStatus.Kind.choices))
    establishment = forms.TypedChoiceField(label=_("Établissement"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, establishments: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishment"].choices = _blank(_("tous")) + establishments

    def filters(self) -> dict:
        """The valid filters; a wrong value in the address is ignored rather than refused."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in self.fields if name not in self.errors}
