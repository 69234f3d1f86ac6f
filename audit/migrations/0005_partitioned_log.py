"""The access log for tens of millions of entries (issue 17).

- PostgreSQL: audit_accesslogentry becomes partitioned by month of `time`, owned by the keeper,
  with a DEFAULT partition and the append-only guards on every partition (audit.partitioning);
  retention drops whole months (audit.retention_sql). SQLite (the demo) keeps the plain table.
- The subject table (filled by the sealer, so entries were searchable by person and case only
  once sealed) gives way to GIN indexes on case_ids and person_ids (PostgreSQL; SQLite searches
  with json_each, audit.idlists): an entry is found the moment it commits.
- Every filter of the auditors' search has an index in newest-first (time, id) order.
Not reversible on PostgreSQL beyond the indexes: the table stays partitioned."""

import django.contrib.postgres.indexes
from django.conf import settings
from django.db import migrations, models

import audit.idlists

GIN = {"accesslog_case_ids": "case_ids", "accesslog_person_ids": "person_ids"}


def partition(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    from audit import partitioning, retention_sql

    retention_sql.install(connection, years=settings.ACCESS_LOG_RETENTION_YEARS, tz=settings.TIME_ZONE)
    partitioning.partition(connection, tz=settings.TIME_ZONE)


def gin_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in GIN.items():
        schema_editor.execute(f"CREATE INDEX {name} ON audit_accesslogentry USING gin ({column} jsonb_path_ops)")


def drop_gin_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in GIN:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0005_reporting_role"),
        ("audit", "0004_retention_on_the_database_clock"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.DeleteModel(name="AccessLogSubject"),
        migrations.RemoveIndex(model_name="accesslogentry", name="accesslog_actorname_id"),
        migrations.RemoveIndex(model_name="accesslogentry", name="accesslog_agency_id"),
        migrations.RemoveIndex(model_name="accesslogentry", name="accesslog_denied"),
        # The same column type: state only (on SQLite an AlterField would rebuild the table and
        # lose the append-only triggers of migration 0003).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="accesslogentry",
                    name="case_ids",
                    field=audit.idlists.IdListField(blank=True, default=list, verbose_name="cases"),
                ),
                migrations.AlterField(
                    model_name="accesslogentry",
                    name="person_ids",
                    field=audit.idlists.IdListField(blank=True, default=list, verbose_name="persons"),
                ),
            ]
        ),
        migrations.RunPython(partition, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(fields=["actor_name", "-time", "-id"], name="accesslog_actor_time"),
        ),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(fields=["agency", "-time", "-id"], name="accesslog_agency_time"),
        ),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(fields=["action", "-time", "-id"], name="accesslog_action_time"),
        ),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(fields=["channel", "-time", "-id"], name="accesslog_channel_time"),
        ),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(
                condition=models.Q(("outcome", "denied")), fields=["-time", "-id"], name="accesslog_denied"
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="accesslogentry",
                    index=django.contrib.postgres.indexes.GinIndex(
                        fields=["case_ids"], name="accesslog_case_ids", opclasses=["jsonb_path_ops"]
                    ),
                ),
                migrations.AddIndex(
                    model_name="accesslogentry",
                    index=django.contrib.postgres.indexes.GinIndex(
                        fields=["person_ids"], name="accesslog_person_ids", opclasses=["jsonb_path_ops"]
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(gin_indexes, drop_gin_indexes, elidable=False)],
        ),
    ]
