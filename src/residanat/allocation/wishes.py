"""Wish lists: the ids a wisher ranks, most wanted first, checked against what is open to them,
and kept either as versions (each saved list a new one, the latest in force) or as the one list
in force (a new list replaces the old)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db.models import Manager, Model, QuerySet


def distinct(ids: Iterable, twice: str) -> list:
    """The ids as given, refused with `twice` when one stands twice."""
    ids = list(ids)
    if len(set(ids)) != len(ids):
        raise ValidationError(twice)
    return ids


def outside(ids: list, allowed: Iterable) -> list:
    """The ids not open to the wisher, in the order of the list."""
    allowed = set(allowed)
    return [i for i in ids if i not in allowed]


def do_add_wish_version(versions: QuerySet, ids: list, create: Callable[..., Model], *, items: str = "posts",
                        number: str = "number") -> Model:
    """A new version when the list changed (numbered from 1); the one in force when it did not."""
    current = versions.order_by(f"-{number}").first()
    if current is not None and getattr(current, items) == ids:
        return current
    return create(**{number: getattr(current, number) + 1 if current else 1, items: ids})


def do_replace_wish_list(owner: Model, wishes: Manager, rows: list[Model]) -> list[Model]:
    """The owner's row locked (two saves of one list queue), the old list deleted, the new one
    written."""
    type(owner).objects.select_for_update().filter(pk=owner.pk).first()
    wishes.all().delete()
    return wishes.model.objects.bulk_create(rows)
