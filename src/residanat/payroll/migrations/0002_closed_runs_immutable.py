"""A closed run and its lines never change: the database refuses it, whatever the code path
(ORM, admin, raw SQL). Triggers per engine; the message names the rule."""

from django.db import migrations

MESSAGE = "payroll: a closed run and its lines are never changed"

SQLITE = [
    f"""CREATE TRIGGER payroll_closed_run_update BEFORE UPDATE ON payroll_payrollrun
        WHEN OLD.state = 'closed' BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER payroll_closed_run_delete BEFORE DELETE ON payroll_payrollrun
        WHEN OLD.state = 'closed' BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER payroll_closed_line_insert BEFORE INSERT ON payroll_payline
        WHEN (SELECT state FROM payroll_payrollrun WHERE id = NEW.run_id) = 'closed'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER payroll_closed_line_update BEFORE UPDATE ON payroll_payline
        WHEN (SELECT state FROM payroll_payrollrun WHERE id = OLD.run_id) = 'closed'
          OR (SELECT state FROM payroll_payrollrun WHERE id = NEW.run_id) = 'closed'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER payroll_closed_line_delete BEFORE DELETE ON payroll_payline
        WHEN (SELECT state FROM payroll_payrollrun WHERE id = OLD.run_id) = 'closed'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_REVERSE = [f"DROP TRIGGER {name}" for name in (
    "payroll_closed_run_update", "payroll_closed_run_delete", "payroll_closed_line_insert",
    "payroll_closed_line_update", "payroll_closed_line_delete")]

POSTGRES = [
    f"""CREATE FUNCTION payroll_closed_run_guard() RETURNS trigger AS $$
        BEGIN
            IF OLD.state = 'closed' THEN RAISE EXCEPTION '{MESSAGE}'; END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER payroll_closed_run_guard BEFORE UPDATE OR DELETE ON payroll_payrollrun
        FOR EACH ROW EXECUTE FUNCTION payroll_closed_run_guard()""",
    f"""CREATE FUNCTION payroll_closed_line_guard() RETURNS trigger AS $$
        BEGIN
            IF TG_OP <> 'INSERT' AND (SELECT state FROM payroll_payrollrun WHERE id = OLD.run_id) = 'closed' THEN
                RAISE EXCEPTION '{MESSAGE}';
            END IF;
            IF TG_OP <> 'DELETE' AND (SELECT state FROM payroll_payrollrun WHERE id = NEW.run_id) = 'closed' THEN
                RAISE EXCEPTION '{MESSAGE}';
            END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER payroll_closed_line_guard BEFORE INSERT OR UPDATE OR DELETE ON payroll_payline
        FOR EACH ROW EXECUTE FUNCTION payroll_closed_line_guard()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER payroll_closed_line_guard ON payroll_payline",
    "DROP FUNCTION payroll_closed_line_guard()",
    "DROP TRIGGER payroll_closed_run_guard ON payroll_payrollrun",
    "DROP FUNCTION payroll_closed_run_guard()",
]


def forwards(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("payroll", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
