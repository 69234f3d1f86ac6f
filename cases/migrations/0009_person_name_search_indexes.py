"""Trigram indexes for the person search of the first conversation (name, given name or alias
containing the typed text, case-insensitive: `UPPER(col) LIKE UPPER('%text%')`), so it reads a
few index pages instead of scanning every person of the city. PostgreSQL only; pg_trgm is a
trusted extension (PostgreSQL 13+), so the role that runs migrations may create it. Where it
cannot, the search keeps working without these indexes (slower) and the migration says so."""

from django.db import migrations

COLUMNS = ("family_name", "given_name", "alias")

CREATE = """
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE WARNING 'pg_trgm could not be created: the person search runs without trigram indexes';
END
$$;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS person_{column}_trgm ON cases_person "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for column in COLUMNS:
            schema_editor.execute(f"DROP INDEX IF EXISTS person_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_listing_copies_on_permission_rows")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
