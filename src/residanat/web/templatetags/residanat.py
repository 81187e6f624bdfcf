from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

register = template.Library()

UNITS = {
    "MAD/month": _("MAD par mois"),
    "MAD": _("MAD"),
    "months": _("mois"),
    "years": _("ans"),
    "days": _("jours"),
    "attempts": _("participations"),
    "rotations": _("stages"),
    "ratio": _("proportion"),
    "factor": _("coefficient"),
}


def _arabic():
    return (get_language() or "fr").startswith("ar")


@register.filter
def unit(value):
    return UNITS.get(value, value)


@register.filter
def label(parameter):
    """A regulation parameter's label in the page's language."""
    return parameter.label_ar if _arabic() else parameter.label_fr


@register.filter
def local(obj, field):
    """`obj.<field>_ar` on Arabic pages, `obj.<field>_fr` otherwise (dicts from .values() too)."""
    suffix = "_ar" if _arabic() else "_fr"
    if isinstance(obj, dict):
        return obj.get(field + suffix) or obj.get(field + "_fr", "")
    return getattr(obj, field + suffix, "") or getattr(obj, field + "_fr", "")


@register.filter
def person_name(person):
    if _arabic() and person.full_name_ar:
        return person.full_name_ar
    return person.full_name
