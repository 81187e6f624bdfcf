"""Long lists: one page of rows, a search box and sortable column headers, the same on every list
page (issue 25 item 3: a list that can exceed 50 rows pages, searches and sorts).

A view builds a `Listing` from a queryset that already went through the user's scope filter
(`visible_to(user)`): the listing only narrows and orders it, so it can never show a row the
scope hides. The page renders `_listing_search.html` (search as you type, HTMX), the table with
`{% sort_header listing "key" %}` headers (aria-sort) and `_pagination.html` (links that keep every
other parameter of the query string).

Searching: every word typed must appear in one of the `search` fields (numbers, Latin names) or of
the `arabic` fields; an Arabic word is compared without tatweel and short vowels on both sides, so
"مُحَمَّد" and "محـمد" find "محمد".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

from django.core.paginator import Paginator
from django.db.models import F, Q, Value
from django.db.models.expressions import OrderBy
from django.db.models.functions import Replace

PAGE_SIZE = 50

# Tatweel (U+0640), the short vowels, tanwin, shadda and sukun (U+064B-U+0652), dagger alif (U+0670).
ARABIC_MARKS = "\u0640" + "".join(chr(c) for c in range(0x064B, 0x0653)) + "\u0670"
_NO_MARKS = str.maketrans("", "", ARABIC_MARKS)


def fold_arabic(text: str) -> str:
    """`text` without tatweel and diacritics (what a reader does not see as a different name)."""
    return (text or "").translate(_NO_MARKS)


def has_arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def folded(field: str):
    """The database expression of `field` without tatweel and diacritics (nested REPLACE: SQLite
    and PostgreSQL alike)."""
    return reduce(lambda expr, mark: Replace(expr, Value(mark), Value("")), ARABIC_MARKS, F(field))


def search_filter(rows, q: str, search=(), arabic=(), extra=None):
    """`rows` narrowed to those where every word of `q` is in one of the fields (or matches
    `extra(word)`, a Q: what only some readers may search by, such as a CIN)."""
    words = q.split()
    if not words or not (search or arabic or extra):
        return rows
    if arabic and any(has_arabic(word) for word in words):
        rows = rows.annotate(**{f"_folded_{i}": folded(field) for i, field in enumerate(arabic)})
    for word in words:
        plain = fold_arabic(word)
        if not plain:
            continue
        condition = Q()
        for field in search:
            condition |= Q(**{f"{field}__icontains": plain})
        if has_arabic(plain):
            for i, _field in enumerate(arabic):
                condition |= Q(**{f"_folded_{i}__icontains": plain})
        if extra is not None:
            condition |= extra(plain)
        rows = rows.filter(condition) if condition else rows.none()
    return rows


@dataclass(frozen=True)
class Sort:
    """A sortable column: its header label and the ascending order (fields or expressions)."""

    label: str
    order: tuple


def _descending(term):
    if isinstance(term, str):
        return term[1:] if term.startswith("-") else f"-{term}"
    if isinstance(term, OrderBy):
        return OrderBy(term.expression, descending=not term.descending, nulls_first=term.nulls_last or None,
                       nulls_last=term.nulls_first or None)
    return term.desc()


class Listing:
    """One page of `rows` as asked by the request's `q`, `sort` and `page` parameters."""

    def __init__(self, request, rows, *, sorts: dict[str, Sort], default: str, search=(), arabic=(), extra=None,
                 page_size: int | None = None, dom_id: str = "listing"):
        self.request = request
        self.sorts = sorts
        self.dom_id = dom_id
        self.q = (request.GET.get("q") or "").strip()[:100]
        wanted = request.GET.get("sort") or ""
        self.descending = wanted.startswith("-")
        self.sort_key = wanted.lstrip("-")
        if self.sort_key not in sorts:
            self.sort_key, self.descending = default.lstrip("-"), default.startswith("-")
        order = list(sorts[self.sort_key].order)
        if self.descending:
            order = [_descending(term) for term in order]
        rows = search_filter(rows, self.q, search, arabic, extra)
        self.rows = rows.order_by(*order, "pk")
        self.page = Paginator(self.rows, page_size or PAGE_SIZE).get_page(request.GET.get("page"))
        self.default = default

    # --- query strings ----------------------------------------------------------------------

    def _params(self, **changes):
        params = self.request.GET.copy()
        params.pop("page", None)
        for key, value in changes.items():
            params.pop(key, None)
            if value:
                params[key] = value
        return params

    @property
    def query(self) -> str:
        """The query string without the page: what page links add `page=N` to."""
        return self._params().urlencode()

    @property
    def kept(self) -> list[tuple[str, str]]:
        """The parameters the search form sends again (filters, version, sort), all but q and page."""
        params = self._params(q=None)
        return [(key, value) for key in params for value in params.getlist(key)]

    def header(self, key: str) -> dict:
        """Label, link and aria-sort of a column header: a click sorts by it, a second one reverses."""
        sort = self.sorts[key]
        active = key == self.sort_key
        descending = active and not self.descending
        return {
            "label": sort.label,
            "url": "?" + self._params(sort=f"-{key}" if descending else key).urlencode(),
            "aria": ("descending" if self.descending else "ascending") if active else "none",
            "active": active,
        }


def person_fields(path: str = "") -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(Latin fields, Arabic fields) of a person's name reached by `path` (e.g. "candidate__person__")."""
    return ((f"{path}last_name", f"{path}first_name"), (f"{path}last_name_ar", f"{path}first_name_ar"))


def name_order(path: str = "") -> tuple[str, ...]:
    return (f"{path}last_name", f"{path}first_name")
