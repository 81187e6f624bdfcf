from django import template

from residanat.accounts.authority import is_ministry
from residanat.discipline import cases, labels
from residanat.rules import discipline as rules

register = template.Library()


@register.filter
def may_open_case(user, status) -> bool:
    """Whether the person page offers to open a disciplinary case on this status."""
    return status.kind in rules.REGIME and cases.may_open(user, status)


@register.filter
def may_record_commitment(user, status) -> bool:
    return status.kind == "resident" and is_ministry(user)


@register.filter
def event_label(kind) -> str:
    return labels.event_label(kind)


@register.filter
def state_badge(state) -> str:
    return labels.state_badge(state)


@register.filter
def next_steps(case) -> list[str]:
    return labels.next_steps(case)
