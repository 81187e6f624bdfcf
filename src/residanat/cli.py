"""The `residanat` command: Django's management commands with our settings, plus pure commands
(`rules`, `match`, `payroll simulate`) that answer without starting Django."""

import os
import sys


def _pure_commands():
    from .matching import cli as matching_cli
    from .rules import cli as rules_cli
    from .rules import payroll_cli

    return {"rules": rules_cli.main, "match": matching_cli.main, "payroll": payroll_cli.main}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    pure = _pure_commands()
    if argv and argv[0] in pure:
        try:
            return pure[argv[0]](argv[1:])
        except BrokenPipeError:
            # Output piped into `head` and closed early: not an error of ours.
            sys.stderr.close()
            return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "residanat.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["residanat", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
