"""Forms of the rotation period pages: creating a period, its seats per service, the wishes
deadline, the trainee's ranked wishes and the office's assignment by hand."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from residanat.common.forms import date_field
from residanat.people.models import TraineeStatus
from residanat.referential.models import Faculty, Specialty

from .periods import MAX_SEATS

DATETIME_INPUT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_INPUT)


class PeriodForm(forms.Form):
    regime = forms.ChoiceField(label=_("Régime"), choices=TraineeStatus.Regime.choices)
    track = forms.ChoiceField(label=_("Filière"), choices=Specialty.TrackChoice.choices)
    hospital_centre = forms.ModelChoiceField(label=_("Centre hospitalier"), queryset=None, required=False,
                                             help_text=_("Vide pour les hôpitaux de santé publique (RD68)."))
    faculty = forms.ModelChoiceField(label=_("Faculté"), queryset=None, required=False,
                                     help_text=_("Vide : la faculté du centre hospitalier pour la filière (médecine dentaire : "
                                                 "sa faculté de médecine dentaire ; sinon sa faculté de médecine et "
                                                 "de pharmacie)."))
    label = forms.CharField(label=_("Intitulé"), max_length=120)
    start_date = date_field(_("Début"))
    end_date = date_field(_("Fin"))

    def __init__(self, *args, centres, rd68: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hospital_centre"].queryset = centres
        self.fields["faculty"].queryset = Faculty.objects.filter(hospital_centres__in=centres).distinct()
        if not rd68:
            self.fields["regime"].choices = [(TraineeStatus.Regime.D93, TraineeStatus.Regime.D93.label)]


class SeatsForm(forms.Form):
    """One number per service the period may open (0: none)."""

    def __init__(self, *args, services, current: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.services = list(services)
        for service in self.services:
            self.fields[f"seats_{service.pk}"] = forms.IntegerField(
                label=service.name, min_value=0, max_value=MAX_SEATS, required=False,
                initial=current.get(service.pk, 0))

    def rows(self):
        return [(service, self[f"seats_{service.pk}"]) for service in self.services]

    def seats(self) -> dict:
        return {s: self.cleaned_data.get(f"seats_{s.pk}") or 0 for s in self.services}


class OpenWishesForm(forms.Form):
    deadline = forms.DateTimeField(label=_("Date limite des vœux"), widget=DateTimeInput(),
                                   input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"])


class WishesForm(forms.Form):
    """A rank (1 = most wanted) for each service the trainee wants; blank for the others."""

    def __init__(self, *args, options, current: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.options = options
        for seats, refusal in options:
            self.fields[f"rank_{seats.service_id}"] = forms.IntegerField(
                label=seats.service.name, min_value=1, max_value=len(options), required=False,
                initial=None if refusal else current.get(seats.service_id), disabled=refusal is not None)

    def rows(self):
        return [(seats, refusal, self[f"rank_{seats.service_id}"]) for seats, refusal in self.options]

    def clean(self):
        ranked = [(rank, seats.service) for seats, _refusal in self.options
                  if (rank := self.cleaned_data.get(f"rank_{seats.service_id}")) is not None]
        ranks = [rank for rank, _service in ranked]
        if len(set(ranks)) != len(ranks):
            raise ValidationError(_("Deux services ont le même rang : donnez un rang différent à chacun."))
        self.cleaned_data["services"] = [service for _rank, service in sorted(ranked, key=lambda r: r[0])]
        return self.cleaned_data


class ByHandForm(forms.Form):
    chooser = forms.ModelChoiceField(label=_("Stagiaire"), queryset=None)
    service = forms.ModelChoiceField(label=_("Service"), queryset=None)

    def __init__(self, *args, choosers, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chooser"].queryset = choosers
        self.fields["chooser"].label_from_instance = lambda c: f"{c.order}. {c.status.person}"
        self.fields["service"].queryset = services
