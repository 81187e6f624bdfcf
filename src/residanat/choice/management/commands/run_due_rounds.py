from django.core.management.base import BaseCommand

from residanat.choice.rounds import do_run_due_rounds


class Command(BaseCommand):
    help = "Run every scheduled simulation round whose time has come (call it from cron every few minutes)."

    def handle(self, *args, **options):
        for rnd in do_run_due_rounds():
            self.stdout.write(f"{rnd.session.competition.slug}: round {rnd.number} run, "
                              f"{rnd.assigned} placed, {rnd.unassigned} without a post")
