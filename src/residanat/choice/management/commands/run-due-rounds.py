"""The command's former name, `run-due-rounds`: kept as an alias of `run_due_rounds` for one release (issue 21
item 5: every command is named with underscores, as Django's own are)."""

from .run_due_rounds import Command as Current


class Command(Current):
    help = f"Former name of `run_due_rounds`, kept for one release. {Current.help}"
