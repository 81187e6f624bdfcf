from django.core.management.base import BaseCommand

from residanat.accounts.demo import DEMO_PASSWORD
from residanat.people.models import Person
from residanat.web.demo import load_demo


class Command(BaseCommand):
    help = "Load the referential and the demo data (idempotent), then print the demo accounts."

    def handle(self, *args, **options):
        accounts = load_demo()
        out = self.stdout
        out.write(self.style.SUCCESS(f"Demo data ready: {Person.objects.count()} people."))
        out.write("")
        out.write(f"Demo accounts (password for all: {DEMO_PASSWORD})")
        out.write(f"{'user':<22}{'role':<45}{'scope':<55}TOTP secret")
        for a in accounts:
            out.write(f"{a.username:<22}{a.role:<45}{a.scope[:53]:<55}{a.totp_secret or '(no 2FA: trainee)'}")
        out.write("")
        out.write("Staff accounts ask for a TOTP code after the password: add the secret to an")
        out.write("authenticator app, or run `DEBUG=1 .venv/bin/residanat demo_otp USERNAME` for the current code.")
        out.write("Any other staff account (e.g. one added in /admin/) enrols its first authenticator only with a")
        out.write("one-time code from an administrator: `DEBUG=1 .venv/bin/residanat enrolment_code USERNAME`, or the")
        out.write("page /compte/codes-enrolement/ as admin or drh.")
