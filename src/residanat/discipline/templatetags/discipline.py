from django import template

from residanat.accounts.authority import is_ministry
from residanat.discipline import cases, labels
from residanat.discipline.models import Commitment, DisciplinaryCase
from residanat.rules import discipline as rules

register = template.Library()


@register.filter
def may_open_case(user, status) -> bool:
    """Whether the person page offers to open a disciplinary case on this status."""
    return status.kind in rules.REGIME and cases.may_open(user, status)


@register.filter
def may_nominate(user) -> bool:
    """Whether the discipline page offers the committee nominations (the page asks the same)."""
    return cases.may_nominate(user)


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


@register.simple_tag
def discipline_of(user, person) -> dict:
    """What the person page shows of discipline: the person's cases (those under way first) and
    service commitments (with their buy-back), as far as `user` may read them (each model's
    `visible_to`; the links lead to pages that apply the same filter)."""
    found = (DisciplinaryCase.objects.visible_to(user).filter(status__person=person).select_related("status")
             .order_by("-opened_at", "-pk"))
    cases_ = sorted(found, key=lambda case: not case.is_open)
    commitments = (Commitment.objects.visible_to(user).filter(status__person=person).select_related("buyback")
                   .order_by("-signed_on", "-pk"))
    return {"cases": cases_, "open_cases": [case for case in cases_ if case.is_open],
            "commitments": list(commitments)}
