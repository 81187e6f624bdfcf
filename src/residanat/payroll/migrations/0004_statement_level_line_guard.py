"""The closed-run guard on the lines, lighter for the thousands of rows a run writes (migration
0002 holds the rule; this keeps it and makes it cheaper):

- PostgreSQL: one check per statement instead of one per row, over the rows the statement wrote
  or removed (transition tables); a run's lines are written by one COPY.
- SQLite has no statement-level triggers. Migration 0003 rebuilt the lines' table on SQLite
  (a foreign key changed), which drops its triggers: they are created again here as in 0002."""

from django.db import migrations


MESSAGE = "payroll: a closed run and its lines are never changed"

SQLITE_LINE_TRIGGERS = {
    "payroll_closed_line_insert": f"""CREATE TRIGGER payroll_closed_line_insert BEFORE INSERT ON payroll_payline
        WHEN (SELECT state FROM payroll_payrollrun WHERE id = NEW.run_id) = 'closed'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    "payroll_closed_line_update": f"""CREATE TRIGGER payroll_closed_line_update BEFORE UPDATE ON payroll_payline
        WHEN (SELECT state FROM payroll_payrollrun WHERE id = OLD.run_id) = 'closed'
          OR (SELECT state FROM payroll_payrollrun WHERE id = NEW.run_id) = 'closed'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    "payroll_closed_line_delete": f"""CREATE TRIGGER payroll_closed_line_delete BEFORE DELETE ON payroll_payline
        WHEN (SELECT state FROM payroll_payrollrun WHERE id = OLD.run_id) = 'closed'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
}


def _touches_closed(rows: str) -> str:
    return (f"EXISTS (SELECT 1 FROM {rows} AS line JOIN payroll_payrollrun AS run ON run.id = line.run_id "
            "WHERE run.state = 'closed')")


POSTGRES = [
    "DROP TRIGGER payroll_closed_line_guard ON payroll_payline",
    # Each branch names only the transition table its operation has (plpgsql plans a statement when
    # it first runs it).
    f"""CREATE FUNCTION payroll_closed_lines_guard() RETURNS trigger AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                IF {_touches_closed('old_rows')} THEN RAISE EXCEPTION '{MESSAGE}'; END IF;
            END IF;
            IF TG_OP <> 'DELETE' THEN
                IF {_touches_closed('new_rows')} THEN RAISE EXCEPTION '{MESSAGE}'; END IF;
            END IF;
            RETURN NULL;
        END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER payroll_closed_lines_insert AFTER INSERT ON payroll_payline
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION payroll_closed_lines_guard()""",
    """CREATE TRIGGER payroll_closed_lines_update AFTER UPDATE ON payroll_payline
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION payroll_closed_lines_guard()""",
    """CREATE TRIGGER payroll_closed_lines_delete AFTER DELETE ON payroll_payline
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION payroll_closed_lines_guard()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER payroll_closed_lines_insert ON payroll_payline",
    "DROP TRIGGER payroll_closed_lines_update ON payroll_payline",
    "DROP TRIGGER payroll_closed_lines_delete ON payroll_payline",
    "DROP FUNCTION payroll_closed_lines_guard()",
    """CREATE TRIGGER payroll_closed_line_guard BEFORE INSERT OR UPDATE OR DELETE ON payroll_payline
        FOR EACH ROW EXECUTE FUNCTION payroll_closed_line_guard()""",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        statements = POSTGRES
    else:
        statements = [sql for name, create in SQLITE_LINE_TRIGGERS.items()
                      for sql in (f"DROP TRIGGER IF EXISTS {name}", create)]
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_REVERSE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("payroll", "0003_lighter_lines")]
    operations = [migrations.RunPython(forwards, backwards)]
