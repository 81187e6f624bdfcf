"""The command's former name, `import-posts`: kept as an alias of `import_posts` for one release (issue 21
item 5: every command is named with underscores, as Django's own are)."""

from .import_posts import Command as Current


class Command(Current):
    help = f"Former name of `import_posts`, kept for one release. {Current.help}"
