import pytest
from django.test import Client


@pytest.fixture
def verified_client():
    """A logged-in client whose session passed the TOTP step, as a staff user's would."""

    def make(user):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        client = Client()
        client.force_login(user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="default", confirmed=True
        )
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        return client

    return make
