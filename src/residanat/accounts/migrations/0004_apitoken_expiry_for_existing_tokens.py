import datetime as dt

from django.conf import settings
from django.db import migrations


def give_every_token_an_expiry(apps, schema_editor):
    # Tokens issued before expiry existed live the default lifetime from their creation (issue 20 item 8).
    ApiToken = apps.get_model("accounts", "ApiToken")
    lifetime = dt.timedelta(days=settings.API_TOKEN_LIFETIME_DAYS)
    for token in ApiToken.objects.filter(expires_at__isnull=True).only("pk", "created_at"):
        ApiToken.objects.filter(pk=token.pk).update(expires_at=token.created_at + lifetime)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_enrolmentcode"),
    ]

    operations = [
        migrations.RunPython(give_every_token_an_expiry, migrations.RunPython.noop),
    ]
