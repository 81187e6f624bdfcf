import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from residanat.discipline.cases import REMINDER_DAYS, do_remind_opinions


class Command(BaseCommand):
    help = ("Remind the committees whose opinion is due within a week or late (D93 art. 32): one entry a day in "
            "each case's log, and a line per case printed (call it from cron once a day).")

    def add_arguments(self, parser):
        parser.add_argument("--on", type=dt.date.fromisoformat, help="the day (YYYY-MM-DD; default today)")
        parser.add_argument("--days", type=int, default=REMINDER_DAYS)

    def handle(self, *args, **options):
        on = options["on"] or timezone.localdate()
        for case, late in do_remind_opinions(on, options["days"]):
            centre = case.status.hospital_centre or "—"
            state = "LATE" if late else "due"
            self.stdout.write(f"{centre}: case {case.pk} ({case.status.person.full_name}) opinion {state} "
                              f"{case.opinion_due_on:%d/%m/%Y}")
