"""The payment journal is append-only, enforced by the database like the access log:
UPDATE and DELETE are refused for every role (PostgreSQL and SQLite), TRUNCATE for every role
but the table owner (who can disable triggers anyway; the test suite's flush runs as the owner).
Where this stops: a superuser or the owner of the table (README, "Deployment")."""

from django.db import migrations

TABLE = "payments_journalentry"

REFUSE_CHANGE = """
CREATE OR REPLACE FUNCTION payments_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the payment journal is append-only: %% on %% refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""

REFUSE_TRUNCATE = """
CREATE OR REPLACE FUNCTION payments_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the payment journal is append-only: TRUNCATE on %% refused', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        run(REFUSE_CHANGE)
        run(REFUSE_TRUNCATE)
        run(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION payments_refuse_change()"
        )
        run(
            f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
            "FOR EACH STATEMENT EXECUTE FUNCTION payments_refuse_truncate()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            run(
                f"CREATE TRIGGER {TABLE}_no_{verb.lower()} BEFORE {verb} ON {TABLE} "
                "BEGIN SELECT RAISE(ABORT, 'the payment journal is append-only'); END"
            )


def backwards(apps, schema_editor):
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        run(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
        run(f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}")
        run("DROP FUNCTION IF EXISTS payments_refuse_change()")
        run("DROP FUNCTION IF EXISTS payments_refuse_truncate()")
    else:
        for verb in ("update", "delete"):
            run(f"DROP TRIGGER IF EXISTS {TABLE}_no_{verb}")


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
