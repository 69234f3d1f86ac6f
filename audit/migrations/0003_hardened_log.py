"""A log that only the retention job can shorten, and seals that a database writer cannot forge.

PostgreSQL:
- the role notlagen_log_keeper (no login) is the only one the append-only trigger lets DELETE
  (it checks the role, not a setting any session could set); it owns the retention function
  (migration 0004, audit.retention_sql);
- a statement-level trigger refuses TRUNCATE of the four log tables, except for their owner (who
  can disable triggers anyway; the test suite's flush runs as the owner);
- existing seals get their HMAC with the current key.
SQLite (the demo): triggers refuse UPDATE and DELETE too; the retention job alone holds the
per-connection flag table that lets its DELETE through.

The guarantee holds against the application's database role: it must not own the tables and
must not be a member of notlagen_log_keeper (README, "Deployment")."""

from django.db import migrations, models

TABLES = ["audit_accesslogentry", "audit_accesslogsubject", "audit_accesslogchain", "audit_accesslogseal"]
KEEPER = "notlagen_log_keeper"

REFUSE_CHANGE = f"""
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_user = '{KEEPER}' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the access log is append-only: %% on %% refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""

REFUSE_TRUNCATE = """
CREATE OR REPLACE FUNCTION audit_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the access log is append-only: TRUNCATE on %% refused', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""



def _postgresql(schema_editor):
    run = schema_editor.execute
    run(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{KEEPER}') "
        f"THEN CREATE ROLE {KEEPER} NOLOGIN; END IF; END $$"
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        (schema,) = cursor.fetchone()
    run(f'GRANT USAGE ON SCHEMA "{schema}" TO {KEEPER}')
    run(f"GRANT SELECT, DELETE ON {', '.join(TABLES)} TO {KEEPER}")
    run(REFUSE_CHANGE)
    run(REFUSE_TRUNCATE)
    # The keeper owns the retention functions (audit.retention_sql, migration 0004); the role
    # running migrations needs membership to hand them over.
    run(
        f"DO $$ BEGIN IF NOT pg_has_role(current_user, '{KEEPER}', 'MEMBER') "
        f"THEN EXECUTE 'GRANT {KEEPER} TO ' || quote_ident(current_user); END IF; END $$"
    )
    for table in TABLES:
        run(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate()"
        )


def _sqlite(schema_editor):
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            "BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            "WHEN NOT EXISTS (SELECT 1 FROM pragma_table_list WHERE schema = 'temp' "
            "AND name = 'notlagen_retention_running') "
            "BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END"
        )


def _sign_existing_seals(apps, schema_editor):
    from audit import keys

    Seal = apps.get_model("audit", "AccessLogSeal")
    rows = list(Seal.objects.values("id", "first_entry_id", "last_entry_id", "count", "previous_head", "head"))
    if not rows:
        return
    key_id, key = keys.current()
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute("ALTER TABLE audit_accesslogseal DISABLE TRIGGER audit_accesslogseal_append_only")
    for row in rows:
        pk = row.pop("id")
        mac = keys.mac(key, keys.seal_message(**row))
        schema_editor.execute("UPDATE audit_accesslogseal SET key_id = %s, mac = %s WHERE id = %s", [key_id, mac, pk])
    if postgres:
        schema_editor.execute("ALTER TABLE audit_accesslogseal ENABLE TRIGGER audit_accesslogseal_append_only")


def forwards(apps, schema_editor):
    _sign_existing_seals(apps, schema_editor)
    if schema_editor.connection.vendor == "postgresql":
        _postgresql(schema_editor)
    else:
        _sqlite(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        migrations.AddField(
            model_name="accesslogseal", name="key_id", field=models.CharField(blank=True, max_length=40)
        ),
        migrations.AddField(model_name="accesslogseal", name="mac", field=models.CharField(blank=True, max_length=64)),
        migrations.RemoveField(model_name="sealhorizon", name="pending_xmax"),
        migrations.AddField(
            model_name="sealhorizon", name="pending_since", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="verification", name="started_by_name", field=models.CharField(blank=True, max_length=150)
        ),
        migrations.AddField(
            model_name="verification", name="finding_code", field=models.CharField(blank=True, max_length=40)
        ),
        migrations.AddField(
            model_name="verification", name="finding_params", field=models.JSONField(blank=True, default=dict)
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False),
    ]
