"""The command's former name, `verify-log`: kept as an alias of `verify_log` for one release (issue 21
item 5: every command is named with underscores, as Django's own are)."""

from .verify_log import Command as Current


class Command(Current):
    help = f"Former name of `verify_log`, kept for one release. {Current.help}"
