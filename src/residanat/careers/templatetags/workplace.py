"""`{% current_workplace status as place %}`: where the trainee works today (careers.workplace),
for the pages of the ground floor (the person page) that may not import the careers app."""

from django import template
from django.utils import timezone

from residanat.careers.workplace import workplace

register = template.Library()


@register.simple_tag
def current_workplace(status):
    """Today's, or for an ended status its last day's."""
    today = timezone.localdate()
    return workplace(status, min(today, status.end_date) if status.end_date else today)
