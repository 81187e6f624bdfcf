"""How dates and amounts read, the same in French and Arabic (issue 18, items 8 and 10).

- `fr/formats.py`, `ar/formats.py`: Django's FORMAT_MODULE_PATH; every date format day first
  ("07/12/2026", "7 décembre 2026" / "7 ديسمبر 2026"), 24-hour clock.
- Amounts: `amount_text` is the one way an amount is written ("1 650,00": no-break space between
  thousands, decimal comma, Western digits), in pages, messages, PDFs' facts and files.
- Isolation: inside an Arabic line, the bidi algorithm takes "1 650,00" for two numbers around a
  right-to-left space and shows "650,00 1". HTML gets `<bdi dir="ltr">` (the template filters in
  `filters.py`: `money`, `ltr`); plain text (messages, e-mails) gets the Unicode isolates LRI…PDI.
"""

from decimal import Decimal

from django.utils import formats, timezone
from django.utils.translation import gettext as _

LRI, PDI = "\u2066", "\u2069"
# Excel stores dates as dates: these are only how a spreadsheet shows them, day first too.
EXCEL_DATE = "DD/MM/YYYY"
EXCEL_DATETIME = "DD/MM/YYYY HH:MM"
_CENT = Decimal("0.01")


def amount_text(amount) -> str:
    """1500 → "1 500,00" (no unit, no isolation: facts of documents keep this exact text)."""
    amount = Decimal(amount or 0).quantize(_CENT)
    return f"{amount:,.2f}".replace(",", "\u00a0").replace(".", ",")


def isolate(text) -> str:
    """Plain text kept left to right inside a right-to-left line (numbers, codes, Latin names)."""
    text = str(text)
    return f"{LRI}{text}{PDI}" if text else ""


def money_text(amount) -> str:
    """An amount with its unit for a message: "1 500,00 MAD" / "1 500,00 درهم", the number isolated."""
    return f"{isolate(amount_text(amount))} {_('MAD')}"


# Dates need no isolate: "05/02/2027" is one left-to-right number for the bidi algorithm (the
# slashes join the digits); in "05/02/2027 23:59" an Arabic line puts the time on the left, which
# still reads date first.
def day_text(value) -> str:
    """A date for a message: 05/02/2027."""
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


def moment_text(value) -> str:
    """A date-time for a message, in Morocco's time: 05/02/2027 23:59."""
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "SHORT_DATETIME_FORMAT")
