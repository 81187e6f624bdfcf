"""Sending mail: one function for every notification, through Django's mail framework and the
EMAIL_* settings (settings.mail_settings). The background worker (issue 22 item 2) calls it, so
that no request waits on an SMTP server."""

from django.conf import settings
from django.core.mail import EmailMessage


def send_notification(to, subject, body):
    """Send one plain-text mail to one address or a list of them; SMTP errors are raised, for the
    caller to retry. Returns the number of messages sent (1)."""
    recipients = [to] if isinstance(to, str) else list(to)
    # A line break in a subject would be refused as a header injection (BadHeaderError).
    subject = " ".join(subject.split())
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients).send()
