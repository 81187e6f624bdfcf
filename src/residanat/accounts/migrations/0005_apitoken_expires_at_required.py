# A separate migration (its own transaction): PostgreSQL refuses to alter a table whose rows were
# just updated in the same transaction while deferred foreign-key checks are pending.
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_apitoken_expiry_for_existing_tokens"),
    ]

    operations = [
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expire le"),
        ),
    ]
