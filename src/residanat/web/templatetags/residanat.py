from django import template

from residanat.common import labels
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


@register.inclusion_tag("_sort_header.html")
def sort_header(listing, key, css=""):
    """A column header of a Listing (common/listing.py): a link that sorts by it, aria-sort."""
    return {"h": listing.header(key), "css": css}


@register.filter
def tie_break(keys, tests=()):
    """A merit list's tie-break criteria in words, then in turn ("; "); `tests`: the competition's
    tests, for "test:<code>"."""
    names = {t.code: t.name for t in tests or ()}
    return "; ".join(labels.tie_break_labels(keys, names))


@register.filter
def matching_method(method):
    return labels.matching_method_label(method)


@register.filter
def solver_status(status):
    return labels.solver_status_label(status)
