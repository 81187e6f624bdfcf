"""D93 art. 27: the periods of actual service of one commitment never share a day (one person
serves in one place at a time). The service refuses such a period with a message; the database
refuses it too, whatever the code path (ORM, admin, raw SQL). Triggers per engine, as the closed
payroll runs (payroll 0002); an open period (no end) runs to 9999-12-31."""

from django.db import migrations

MESSAGE = "discipline: the periods of service of a commitment never overlap (D93 art. 27)"
# PostgreSQL: raised as an exclusion violation (23P01), an IntegrityError as on SQLite.
TABLE = "discipline_commitmentservice"
# Another period of the same commitment sharing a day with NEW (on UPDATE, other than itself).
CLASH = f"""EXISTS (SELECT 1 FROM {TABLE} AS other
        WHERE other.commitment_id = NEW.commitment_id AND other.id <> NEW.id
          AND other.start_date <= COALESCE(NEW.end_date, '9999-12-31')
          AND NEW.start_date <= COALESCE(other.end_date, '9999-12-31'))"""

SQLITE = [
    f"""CREATE TRIGGER discipline_service_overlap_insert BEFORE INSERT ON {TABLE}
        WHEN {CLASH.replace("AND other.id <> NEW.id", "")} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER discipline_service_overlap_update BEFORE UPDATE ON {TABLE}
        WHEN {CLASH} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_REVERSE = ["DROP TRIGGER discipline_service_overlap_insert", "DROP TRIGGER discipline_service_overlap_update"]

POSTGRES = [
    f"""CREATE FUNCTION discipline_service_overlap_guard() RETURNS trigger AS $$
        BEGIN
            IF {CLASH.replace("'9999-12-31'", "DATE '9999-12-31'")} THEN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'exclusion_violation';
            END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql""",
    f"""CREATE TRIGGER discipline_service_overlap_guard BEFORE INSERT OR UPDATE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION discipline_service_overlap_guard()""",
]
POSTGRES_REVERSE = [f"DROP TRIGGER discipline_service_overlap_guard ON {TABLE}",
                    "DROP FUNCTION discipline_service_overlap_guard()"]


def forwards(apps, schema_editor):
    for sql in POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    for sql in POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("discipline", "0004_hearing_time_and_place")]
    operations = [migrations.RunPython(forwards, backwards)]
