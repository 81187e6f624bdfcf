"""The head of service's evaluation of a rotation on the four criteria of D93 art. 17, and the
language of a career document."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

CRITERIA = ("attendance", "knowledge", "practical_skills", "conduct")


class RotationValidationForm(forms.Form):
    # An unticked criterion is a failed one: any failure means the rotation is not validated.
    attendance = forms.BooleanField(label=_("Assiduité"), required=False)
    knowledge = forms.BooleanField(label=_("Connaissances"), required=False)
    practical_skills = forms.BooleanField(label=_("Aptitudes pratiques"), required=False)
    conduct = forms.BooleanField(label=_("Comportement"), required=False)
    comment = forms.CharField(
        label=_("Observation"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire si un critère n'est pas satisfait."),
    )

    def criteria(self) -> dict:
        return {name: self.cleaned_data[name] for name in CRITERIA}


class DocumentLanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Langue du document"), choices=settings.LANGUAGES, required=False)
