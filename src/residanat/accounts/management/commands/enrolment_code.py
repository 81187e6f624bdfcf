from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from residanat.accounts import enrolment
from residanat.accounts.models import User


class Command(BaseCommand):
    help = ("Print a one-time enrolment code for a staff account without an authenticator (it replaces "
            "any earlier code). Give it to the person by another channel than their password.")

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active account {username!r}")
        try:
            raw, code = enrolment.do_issue_enrolment_code(user, by=None)
        except enrolment.EnrolmentRefused as refusal:
            raise CommandError(" ".join(refusal.messages)) from refusal
        until = timezone.localtime(code.expires_at).strftime("%d/%m/%Y %H:%M")
        self.stdout.write(f"{raw}  (for {username}, valid until {until}, once)")
