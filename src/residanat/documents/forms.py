from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class VerifyForm(forms.Form):
    # Numbers and hashes are Latin even on the Arabic page.
    number = forms.CharField(
        label=_("Numéro du document"), max_length=32,
        widget=forms.TextInput(attrs={"dir": "ltr", "class": "mono", "autocomplete": "off", "spellcheck": "false"}),
    )
    hash = forms.CharField(
        label=_("Empreinte de vérification"), required=False, max_length=200,
        widget=forms.TextInput(attrs={
            "dir": "ltr", "class": "mono", "autocomplete": "off", "spellcheck": "false", "size": 66,
        }),
        help_text=_("Les 64 caractères imprimés au bas du document."),
    )
    file = forms.FileField(
        label=_("ou le fichier PDF"), required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf"}),
        help_text=_("Pour vérifier une copie électronique : le fichier doit être identique à celui émis."),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        # Issued PDFs weigh tens of kilobytes; anything above every upload's limit cannot be one of ours.
        if upload and upload.size > settings.RESIDANAT_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("Ce fichier est trop volumineux pour être un document émis."))
        return upload

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("hash") and not cleaned.get("file"):
            raise forms.ValidationError(_("Indiquez l'empreinte imprimée ou joignez le fichier PDF."))
        return cleaned
