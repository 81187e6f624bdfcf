"""Forms of the record pages: leave, residency years, degrees, rural missions, appointments. They
parse; the services decide."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from residanat.common.forms import date_field
from residanat.people.models import TraineeStatus
from residanat.referential.models import Establishment, Faculty, HospitalCentre, Specialty

from .models import Degree, Leave, ResidencyYear


def _ministry_establishments():
    return Establishment.objects.filter(hospital_centre__isnull=True).order_by("name_fr")


class RangeForm(forms.Form):
    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise ValidationError(_("La fin précède le début."))
        return data


class LeaveForm(RangeForm):
    kind = forms.ChoiceField(label=_("Nature"))
    start = date_field(_("Du"))
    end = date_field(_("Au"))
    reference = forms.CharField(label=_("Référence (décision ou certificat)"), max_length=200, required=False)

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, Leave.Kind(k).label) for k in kinds]


class ResidencyYearForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Décision"), widget=forms.RadioSelect, choices=[
        (ResidencyYear.Outcome.VALIDATED, _("année validée")), (ResidencyYear.Outcome.REPEAT, _("année à redoubler"))])
    reference = forms.CharField(label=_("Référence (procès-verbal)"), max_length=200)


class DegreeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Diplôme"), choices=Degree.Kind.choices)
    specialty = forms.ModelChoiceField(label=_("Spécialité (diplôme de spécialité)"), required=False,
                                       queryset=Specialty.objects.order_by("name_fr"))
    awarded_on = date_field(_("Obtenu le"))
    reference = forms.CharField(label=_("Référence"), max_length=200)

    def clean(self):
        data = super().clean()
        if data.get("kind") == Degree.Kind.SPECIALTY_DIPLOMA and not data.get("specialty"):
            self.add_error("specialty", _("Le diplôme de spécialité nomme sa spécialité."))
        return data


class MissionForm(RangeForm):
    establishment = forms.ModelChoiceField(label=_("Centre rural"), queryset=Establishment.objects.none())
    start = date_field(_("Du"))
    end = date_field(_("Au"))
    forces_move = forms.BooleanField(label=_("La mission impose un changement de résidence (indemnité journalière)"),
                                     required=False)
    reference = forms.CharField(label=_("Référence de la décision"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishment"].queryset = _ministry_establishments()


class ResidentForm(forms.Form):
    ROUTES = (TraineeStatus.EntryRoute.COMPETITION, TraineeStatus.EntryRoute.TITLES_INTERN,
              TraineeStatus.EntryRoute.TITLES_MILITARY)
    entry_route = forms.ChoiceField(label=_("Voie d'accès"),
                                    choices=[(r.value, r.label) for r in ROUTES])
    specialty = forms.ModelChoiceField(label=_("Spécialité"), queryset=Specialty.objects.order_by("name_fr"))
    faculty = forms.ModelChoiceField(label=_("Faculté"), queryset=Faculty.objects.order_by("name_fr"))
    hospital_centre = forms.ModelChoiceField(label=_("Centre hospitalier"),
                                             queryset=HospitalCentre.objects.order_by("name_fr"))
    start = date_field(_("Début du résidanat"))
    decision_ref = forms.CharField(label=_("Référence de la décision de nomination"), max_length=200)


class SeventhYearForm(RangeForm):
    establishment = forms.ModelChoiceField(label=_("Hôpital du ministère"), queryset=Establishment.objects.none())
    start = date_field(_("Du"))
    end = date_field(_("Au"))
    decision_ref = forms.CharField(label=_("Référence de la décision ministérielle"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishment"].queryset = _ministry_establishments()
