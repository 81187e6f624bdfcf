"""Forms of the externs' pages: the enrolment import and the dean's proposal of services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from residanat.referential.models import HospitalCentre

from .externs import academic_year_of, default_year_dates, faculties_of_dean

SPREADSHEET = forms.ClearableFileInput(attrs={
    "accept": ".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})


def _date():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _FacultyForm(forms.Form):
    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        faculties = faculties_of_dean(user).order_by("name_fr")
        self.fields["faculty"].queryset = faculties
        if len(faculties) == 1:
            self.fields["faculty"].initial = faculties[0].pk


class EnrolmentImportForm(_FacultyForm):
    faculty = forms.ModelChoiceField(label=_("Faculté"), queryset=None)
    academic_year = forms.IntegerField(label=_("Année universitaire (début)"), min_value=2000, max_value=2100)
    start_date = forms.DateField(label=_("Début de l'année"), required=False, widget=_date(),
                                 help_text=_("Vide : 1er septembre."))
    end_date = forms.DateField(label=_("Fin de l'année"), required=False, widget=_date(),
                               help_text=_("Vide : 31 août de l'année suivante."))
    file = forms.FileField(label=_("Liste des inscrits"), widget=SPREADSHEET)

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["academic_year"].initial = academic_year_of(timezone.localdate())

    def clean(self):
        data = super().clean()
        if data.get("academic_year"):
            start, end = default_year_dates(data["academic_year"])
            data["start_date"] = data.get("start_date") or start
            data["end_date"] = data.get("end_date") or end
            if data["end_date"] < data["start_date"]:
                self.add_error("end_date", _("La fin de l'année précède son début."))
        return data


class ExternBatchForm(_FacultyForm):
    faculty = forms.ModelChoiceField(label=_("Faculté"), queryset=None)
    hospital_centre = forms.ModelChoiceField(label=_("Centre hospitalier"), queryset=None)
    label = forms.CharField(label=_("Intitulé"), max_length=120)
    start_date = forms.DateField(label=_("Du"), widget=_date())
    end_date = forms.DateField(label=_("Au"), widget=_date())
    committee_opinion = forms.CharField(label=_("Avis de la commission pédagogique (référence)"), max_length=200,
                                        help_text=_("D93 art. 5 : la proposition suit l'avis de la commission."))
    file = forms.FileField(label=_("Externes et services"), widget=SPREADSHEET)

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["hospital_centre"].queryset = HospitalCentre.objects.filter(
            faculties__in=self.fields["faculty"].queryset).distinct().order_by("name_fr")
