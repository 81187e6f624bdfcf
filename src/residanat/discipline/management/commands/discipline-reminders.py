"""The command's former name, `discipline-reminders`: kept as an alias of `discipline_reminders` for one release (issue 21
item 5: every command is named with underscores, as Django's own are)."""

from .discipline_reminders import Command as Current


class Command(Current):
    help = f"Former name of `discipline_reminders`, kept for one release. {Current.help}"
