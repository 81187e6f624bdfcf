from django.core.management.base import BaseCommand

from residanat.choice.rounds import do_run_due_rounds


class Command(BaseCommand):
    help = ("Queue every scheduled simulation round whose time has come, for `residanat worker` to run "
            "(call it from cron every few minutes).")

    def handle(self, *args, **options):
        for job in do_run_due_rounds():
            self.stdout.write(f"{job.key}: job {job.pk} {job.state}")
