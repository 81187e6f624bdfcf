"""Object permissions on people, read from the one scope filter (accounts.scopes)."""

import rules

from residanat.accounts.scopes import can


@rules.predicate
def can_view(user, obj):
    return obj is not None and can(user, "view", obj)


@rules.predicate
def can_change(user, obj):
    return obj is not None and can(user, "change", obj)


for model in ("person", "traineestatus"):
    rules.add_perm(f"people.view_{model}", can_view)
    rules.add_perm(f"people.change_{model}", can_change)
