"""Mail (issue 22 item 3): the settings read from the environment, and a notification that reaches
a real SMTP server started by the test, its Arabic text intact."""

import email
import email.policy
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from residanat.common.mail import send_notification
from residanat.settings import mail_settings

from .helpers import free_port


class Inbox:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def received(envelope):
    return email.message_from_bytes(envelope.original_content, policy=email.policy.default)


def subject_of(envelope):
    # Django folds an encoded subject onto a second line ("Subject: \n =?utf-8?b?…?="); the modern
    # parser keeps the fold's space, RFC 2047 decoding of the raw header drops it as mail clients do.
    raw = email.message_from_bytes(envelope.original_content)["Subject"]
    return str(make_header(decode_header(raw)))


@pytest.fixture
def smtp_server(settings):
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    environ = {"EMAIL_URL": f"smtp://127.0.0.1:{port}", "DEFAULT_FROM_EMAIL": "residanat@sante.gov.ma"}
    for name, value in mail_settings(environ, debug=False, var_dir=Path("/nonexistent")).items():
        setattr(settings, name, value)
    yield inbox
    controller.stop()


def test_a_notification_reaches_the_smtp_server_with_its_arabic_text_intact(smtp_server):
    subject = "نتائج مباراة الإقامة 2026"
    body = "السيد(ة) المحترم(ة)،\nتم نشر نتائج المباراة.\nLes résultats du concours sont publiés."

    assert send_notification("interne@example.ma", subject, body) == 1

    [envelope] = smtp_server.envelopes
    assert envelope.mail_from == "residanat@sante.gov.ma"
    assert envelope.rcpt_tos == ["interne@example.ma"]
    message = received(envelope)
    assert subject_of(envelope) == subject
    assert message["To"] == "interne@example.ma"
    # On the wire lines end with CRLF.
    assert message.get_content().replace("\r\n", "\n").rstrip("\n") == body


def test_a_subject_on_two_lines_is_sent_on_one(smtp_server):
    send_notification(["a@example.ma", "b@example.ma"], "Convocation\nau conseil", "Texte.")
    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["a@example.ma", "b@example.ma"]
    assert subject_of(envelope) == "Convocation au conseil"


def test_the_demo_writes_mail_to_files_under_var_mail():
    mail = mail_settings({}, debug=True, var_dir=Path("/srv/residanat/var"))
    assert mail["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert mail["EMAIL_FILE_PATH"] == "/srv/residanat/var/mail"


def test_production_without_mail_settings_hands_mail_to_the_local_mail_server():
    mail = mail_settings({}, debug=False, var_dir=Path("/srv/residanat/var"))
    assert mail["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (mail["EMAIL_HOST"], mail["EMAIL_PORT"]) == ("localhost", 25)


def test_email_url_gives_host_port_credentials_and_starttls():
    mail = mail_settings({"EMAIL_URL": "smtp://notif%40sante.gov.ma:p%40ss%3Aword@smtp.sante.gov.ma:587?tls=1",
                          "DEFAULT_FROM_EMAIL": "Résidanat <residanat@sante.gov.ma>"}, debug=False, var_dir=Path("var"))
    assert mail["EMAIL_HOST"] == "smtp.sante.gov.ma" and mail["EMAIL_PORT"] == 587
    assert mail["EMAIL_HOST_USER"] == "notif@sante.gov.ma" and mail["EMAIL_HOST_PASSWORD"] == "p@ss:word"
    assert mail["EMAIL_USE_TLS"] is True and mail["EMAIL_USE_SSL"] is False
    assert mail["DEFAULT_FROM_EMAIL"] == mail["SERVER_EMAIL"] == "Résidanat <residanat@sante.gov.ma>"


def test_smtps_is_tls_from_the_first_byte_on_port_465():
    mail = mail_settings({"EMAIL_URL": "smtps://smtp.sante.gov.ma"}, debug=False, var_dir=Path("var"))
    assert (mail["EMAIL_PORT"], mail["EMAIL_USE_SSL"], mail["EMAIL_USE_TLS"]) == (465, True, False)


def test_the_email_variables_one_by_one():
    mail = mail_settings({"EMAIL_HOST": "relay.sante.gov.ma", "EMAIL_PORT": "2525", "EMAIL_HOST_USER": "u",
                          "EMAIL_HOST_PASSWORD": "p", "EMAIL_USE_TLS": "1"}, debug=True, var_dir=Path("var"))
    assert mail["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (mail["EMAIL_HOST"], mail["EMAIL_PORT"], mail["EMAIL_USE_TLS"]) == ("relay.sante.gov.ma", 2525, True)


def test_an_email_url_of_another_scheme_is_refused_at_start():
    with pytest.raises(RuntimeError, match="EMAIL_URL"):
        mail_settings({"EMAIL_URL": "http://smtp.sante.gov.ma"}, debug=False, var_dir=Path("var"))
