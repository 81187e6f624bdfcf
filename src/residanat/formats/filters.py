"""Template filters every template has without `{% load %}` (TEMPLATES "builtins"): see __init__.

    {{ slip.net|money }}          <bdi dir="ltr" class="ltr">1 650,00</bdi>
    {{ slip.net|money:"MAD" }}    the same followed by "MAD" (French) or "درهم" (Arabic)
    {{ line.ref|ltr }}            any code, article reference, CIN, number or Latin name, isolated
"""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from . import amount_text

register = template.Library()


@register.filter
def ltr(value):
    if value is None or value == "":
        return ""
    # class "ltr": WeasyPrint ignores `unicode-bidi` and isolates a box by its `direction` (pdf_base.html).
    return format_html('<bdi dir="ltr" class="ltr">{}</bdi>', value)


@register.filter
def money(value, unit=""):
    """An amount, written once for all pages and documents; an already written one is only isolated."""
    if value is None or value == "":
        return ""
    try:
        text = amount_text(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        text = str(value)
    isolated = ltr(text)
    return format_html("{} {}", isolated, _("MAD")) if unit else isolated
