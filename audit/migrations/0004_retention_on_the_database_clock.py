"""Retention decides by the database's clock, not by entry times the application wrote, and takes
its policy from the settings at migrate time, not from its caller (audit.retention_sql)."""

from django.conf import settings
from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP FUNCTION IF EXISTS audit_apply_retention(integer, text)")
    from audit import retention_sql

    retention_sql.install(
        schema_editor.connection, years=settings.ACCESS_LOG_RETENTION_YEARS, tz=settings.TIME_ZONE
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_hardened_log")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
