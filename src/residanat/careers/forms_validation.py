"""The head of service's evaluation of a rotation on the four criteria of D93 art. 17, and the
language of a career document."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

CRITERIA = ("attendance", "knowledge", "practical_skills", "conduct")


SATISFIED = [("yes", _("satisfait")), ("no", _("non satisfait"))]


def _criterion(label):
    # Issue 25 item 2: no criterion is chosen in advance, each is an explicit choice (an unticked
    # box used to be a failed criterion: one click recorded a rotation not validated).
    return forms.TypedChoiceField(label=label, choices=SATISFIED, coerce=lambda value: value == "yes",
                                  widget=forms.RadioSelect,
                                  error_messages={"required": _("Choisissez « satisfait » ou « non satisfait ».")})


class RotationValidationForm(forms.Form):
    # Any criterion not satisfied means the rotation is not validated (D93 art. 17).
    attendance = _criterion(_("Assiduité"))
    knowledge = _criterion(_("Connaissances"))
    practical_skills = _criterion(_("Aptitudes pratiques"))
    conduct = _criterion(_("Comportement"))
    comment = forms.CharField(
        label=_("Observation"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire si un critère n'est pas satisfait."),
    )

    def criteria(self) -> dict:
        return {name: self.cleaned_data[name] for name in CRITERIA}

    def criteria_fields(self):
        return [self[name] for name in CRITERIA]


class RotationCorrectionForm(RotationValidationForm):
    """A recorded evaluation corrected: the four criteria again and the reason, kept in history."""

    reason = forms.CharField(label=_("Motif de la correction"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))

    @classmethod
    def of(cls, rotation, data=None):
        initial = {name: "yes" if getattr(rotation, name) else "no" for name in CRITERIA}
        initial["comment"] = rotation.comment
        return cls(data, initial=initial, auto_id=f"fix{rotation.pk}_%s")


class DocumentLanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Langue du document"), choices=settings.LANGUAGES, required=False)
