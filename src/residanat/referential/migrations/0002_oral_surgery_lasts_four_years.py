"""D93 art. 23 read with art. 25 c): every dental specialty, oral surgery included, lasts four years
(docs/decisions/0003-dental-residency-length.md). A database loaded with the former reading
('long', five years) is corrected; a re-import of specialties.csv gives the same result."""

from django.db import migrations


def dental_specialties_four_years(apps, schema_editor):
    Specialty = apps.get_model("referential", "Specialty")
    Specialty.objects.filter(group="dental").exclude(duration_class="standard").update(duration_class="standard")


class Migration(migrations.Migration):
    dependencies = [("referential", "0001_initial")]

    operations = [migrations.RunPython(dental_specialties_four_years, migrations.RunPython.noop)]
