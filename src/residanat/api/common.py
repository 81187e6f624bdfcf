"""Schemas and parameter types shared by the API modules."""

import datetime as dt
import re
from typing import Annotated

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import BeforeValidator, WithJsonSchema

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_only(value):
    # pydantic alone would read "20250601" as a Unix timestamp (a day of 1970): accept only
    # the ISO form, and let pydantic report an impossible day (2025-02-30) in its own words.
    if isinstance(value, dt.date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise ValueError(f"{value!r} is not a date written YYYY-MM-DD")


IsoDate = Annotated[
    dt.date,
    BeforeValidator(_iso_date_only),
    WithJsonSchema({"type": "string", "format": "date", "example": "2025-06-01"}),
]


class Message(Schema):
    detail: str


class UnitRef(Schema):
    """A faculty, hospital centre, establishment, service… named in both languages."""

    id: int
    code: str
    name_fr: str
    name_ar: str


class Pages(LimitOffsetPagination):
    """ninja's limit/offset pages, with an offset the databases can hold: a larger one (2^65)
    reached the SQL and answered 500; now it is a 422 like any parameter out of range."""

    class Input(LimitOffsetPagination.Input):
        offset: int = Field(0, ge=0, le=2**31 - 1)
