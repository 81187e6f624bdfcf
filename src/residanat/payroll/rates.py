"""The stipend amounts and who pays the 7th-year lump sum: the amounts in force on a date (the
regulation's parameter file with the rate orders laid over it), the orders that change them (D93
art. 6, 18: "may be changed by order"), and the territorial health groups (RD68 ch. 14). Only the
Ministry enters an order or a GST's date; the next run of each payer pays or recovers the difference
for the months already closed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from residanat.accounts.authority import is_ministry
from residanat.rules.parameters import Parameter, ParameterNotInForce, UnknownParameter, load_parameters

from .inputs import parameter_table
from .models import RateOrder, TerritorialGroup

# The amounts a run prices (rules/payroll.py), in the order the page lists them.
FIXED_KEYS = ("intern.stipend", "intern.housing_allowance", "resident.stipend", "ph_intern.stipend",
              "ph_intern.housing_allowance", "seventh_year.lump_sum")
TRACKS = ("medicine", "dental", "pharmacy")


def rate_keys() -> list[str]:
    """extern.stipend.<track>.year<N> (D93 art. 6) then the other stipends, as the file has them."""
    keys = load_parameters().keys()
    externs = [k for k in keys if k.startswith("extern.stipend.")]
    externs.sort(key=lambda k: (TRACKS.index(k.split(".")[2]) if k.split(".")[2] in TRACKS else 9, k))
    return externs + [k for k in FIXED_KEYS if k in keys]


def key_label(key: str, language: str) -> str:
    try:
        return load_parameters().versions(key)[0].label(language)
    except UnknownParameter:
        return key


def _in_force(table, key: str, on: dt.date) -> Parameter | None:
    try:
        return table.get(key, on)
    except ParameterNotInForce:
        return None  # e.g. the 7th-year lump sum before its 2025 value (RD68 ch. 14; decision 0001)


def amount_in_force(key: str, on: dt.date, table=None) -> Parameter | None:
    """The amount the payroll pays for `key` on `on`: the parameter file with the rate orders laid
    over it (D93 art. 6, 18: "may be changed by order"). Every page that shows an amount "in force"
    reads it here, never from the parameter file alone; None before the first value the texts held
    give and no order for that date (decision 0001)."""
    return _in_force(table or parameter_table(), key, on)


def order_ref(parameter: Parameter | None) -> str:
    """The order a value comes from ("" for the decree's own value)."""
    if parameter is None or not parameter.seed.startswith("order:"):
        return ""
    return parameter.seed.removeprefix("order:")


@dataclass
class RateRow:
    key: str
    label: str
    today: Parameter | None
    on: Parameter | None

    @property
    def today_order(self) -> str:
        return order_ref(self.today)

    @property
    def on_order(self) -> str:
        return order_ref(self.on)

    @property
    def changed(self) -> bool:
        """The chosen date's value differs from today's."""
        return (self.today.value if self.today else None) != (self.on.value if self.on else None)


def rate_rows(today: dt.date, on: dt.date | None, language: str) -> list[RateRow]:
    table = parameter_table()
    return [RateRow(key, key_label(key, language), _in_force(table, key, today),
                    _in_force(table, key, on) if on else None) for key in rate_keys()]


def do_enter_rate_order(user, key: str, value: Decimal, valid_from: dt.date, valid_to: dt.date | None,
                        order_ref: str) -> RateOrder:
    """Record an order changing a monthly amount from `valid_from` (in the past too: the next run of
    each payer pays the arrears of the months it closed). An order is never edited: a correction is
    a later order, laid over it."""
    if not is_ministry(user):
        raise PermissionDenied(_("Seul le ministère saisit un arrêté modifiant un montant."))
    errors = {}
    if key not in rate_keys():
        errors["key"] = _("Choisissez un montant de la liste.")
    if value is None or value < 0:
        errors["value"] = _("Le montant est positif ou nul.")
    if valid_to is not None and valid_to < valid_from:
        errors["valid_to"] = _("La fin précède le début.")
    if "key" not in errors and "valid_to" not in errors:
        first = load_parameters().versions(key)[0]
        if valid_from < first.valid_from and (valid_to is None or valid_to >= first.valid_from):
            # Decision 0001: before the first value the texts held give, an amount was owed that they do
            # not give (RD68 ch. 14 before its 2025 version); an order may give it, for those dates only,
            # so as not to replace the texts' own value from that date.
            errors["valid_to"] = _("Les textes tenus donnent ce montant à partir du %(date)s (%(ref)s) : un arrêté "
                                   "pour une période antérieure finit au plus tard le %(last)s.") % {
                "date": f"{first.valid_from:%d/%m/%Y}", "ref": first.ref,
                "last": f"{first.valid_from - dt.timedelta(days=1):%d/%m/%Y}"}
    order_ref = (order_ref or "").strip()
    if not order_ref:
        errors["order_ref"] = _("Saisissez la référence de l'arrêté.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return RateOrder.objects.create(key=key, value=value, valid_from=valid_from, valid_to=valid_to,
                                        order_ref=order_ref, entered_by=user)


def do_set_health_group(user, region, name_fr: str, name_ar: str, powers_from: dt.date | None,
                        decree_ref: str) -> tuple[TerritorialGroup, bool]:
    """Create the region's GST or change the date it took up its powers (RD68 ch. 14: it pays its
    7th-year students from that date, the Ministry before); returns (group, changed). A new date
    for a month already closed moves the lump sum between the payers in the next runs."""
    if not is_ministry(user):
        raise PermissionDenied(_("Seul le ministère enregistre les groupements sanitaires territoriaux."))
    values = {"name_fr": (name_fr or "").strip(), "name_ar": (name_ar or "").strip(), "powers_from": powers_from,
              "decree_ref": (decree_ref or "").strip()}
    errors = {}
    if not values["name_fr"]:
        errors["name_fr"] = _("Saisissez le nom en français.")
    if not values["name_ar"]:
        errors["name_ar"] = _("Saisissez le nom en arabe.")
    if powers_from is not None and not values["decree_ref"]:
        errors["decree_ref"] = _("La date de prise de fonctions vient d'un texte : saisissez sa référence.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        group = TerritorialGroup.objects.select_for_update().filter(region=region).first()
        if group is not None and all(getattr(group, name) == value for name, value in values.items()):
            return group, False  # no history row: the runs are not made stale for nothing
        group = group or TerritorialGroup(region=region)
        for name, value in values.items():
            setattr(group, name, value)
        group.save()
    return group, True

