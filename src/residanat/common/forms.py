"""Form fields every app's forms share: a date typed in the browser's date picker, or by hand as
day/month/year."""

from django import forms
from django.forms.renderers import TemplatesSetting

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        # The date picker reads and sends ISO dates, whatever the page's language.
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label, **kwargs):
    return forms.DateField(label=label, widget=DateInput(), input_formats=DATE_FORMATS, **kwargs)


class FormRenderer(TemplatesSetting):
    """`{{ form }}` everywhere: the errors summarised at the top of the form and each beside its
    field (templates/forms/), with the values typed (issue 25 item 1)."""

    form_template_name = "forms/form.html"
