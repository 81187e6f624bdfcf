"""Commands are named one way, with underscores as Django's own (issue 21 item 5); the four former
dashed names answer for one release as aliases of the new ones."""

from django.core.management import get_commands, load_command_class

FORMER_NAMES = {
    "run-due-rounds": "run_due_rounds",
    "verify-log": "verify_log",
    "import-posts": "import_posts",
    "discipline-reminders": "discipline_reminders",
}


def ours():
    return {name: app for name, app in get_commands().items() if app.startswith("residanat.")}


def test_every_command_of_ours_is_named_with_underscores_but_the_former_aliases():
    dashed = {name for name in ours() if "-" in name}
    assert dashed == set(FORMER_NAMES)


def test_each_former_name_runs_the_command_of_its_new_name():
    commands = ours()
    for former, current in FORMER_NAMES.items():
        assert commands[former] == commands[current]
        alias = load_command_class(commands[former], former)
        command = load_command_class(commands[current], current)
        assert isinstance(alias, type(command))
        assert alias.help.startswith(f"Former name of `{current}`")
