from django.core.management.base import BaseCommand, CommandError

from residanat.choice.log import verify
from residanat.choice.models import ChoiceSession


class Command(BaseCommand):
    help = ("Recompute the hash chain of a choice session's log and name the first entry that does not "
            "check out (exit 1), or print the number of entries and the head hash (exit 0).")

    def add_arguments(self, parser):
        parser.add_argument("session", help="the competition's slug, e.g. residanat-2026-casablanca")

    def handle(self, *args, **options):
        session = ChoiceSession.objects.filter(competition__slug=options["session"]).first()
        if session is None:
            raise CommandError(f"{options['session']}: no choice session", returncode=2)
        result = verify(session)
        if not result.ok:
            raise CommandError(f"log broken at entry {result.broken_seq}: {result.problem}", returncode=1)
        self.stdout.write(f"log intact: {result.entries} entries, head {result.head}")
