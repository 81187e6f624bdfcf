import pytest
from django.conf import settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from django.test import Client
from django.utils import translation

# Property tests must not depend on how busy the machine is: no per-example deadline and no
# "input generation is slow" health check (both measure time, not correctness).
hypothesis_settings.register_profile("residanat", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("residanat")


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the default language: a request to an /ar/ page leaves Arabic active in
    the thread (LocaleMiddleware does not switch it back), and the next test would read Arabic
    messages where it expects the French ones."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


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
