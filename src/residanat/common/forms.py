"""Form fields every app's forms share: a date typed in the browser's date picker, or by hand as
day/month/year."""

from django import forms

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        # The date picker reads and sends ISO dates, whatever the page's language.
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label, **kwargs):
    return forms.DateField(label=label, widget=DateInput(), input_formats=DATE_FORMATS, **kwargs)
