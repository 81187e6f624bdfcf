"""Regulation parameters in force on a date: the content of `residanat rules show --json` with the
rate orders entered since laid over it (the amounts the payroll pays; an order's `seed` is
"order:<its reference>")."""

import datetime as dt

from django.utils import timezone
from ninja import Router, Schema

from residanat.payroll.inputs import parameter_table

from .common import IsoDate

router = Router(tags=["rules"])


class ParameterLabel(Schema):
    fr: str
    ar: str


class ParameterOut(Schema):
    key: str
    value: int | float
    unit: str
    valid_from: dt.date
    valid_to: dt.date | None
    ref: str
    seed: str
    label: ParameterLabel


class ParametersInForce(Schema):
    on: dt.date
    parameters: list[ParameterOut]


@router.get("", response=ParametersInForce, url_name="rules")
def parameters_in_force(request, on: IsoDate | None = None):
    """The parameters in force on `on` (default: today), each with its article."""
    on = on or timezone.localdate()
    return {"on": on, "parameters": [p.as_json() for p in parameter_table().in_force(on)]}
