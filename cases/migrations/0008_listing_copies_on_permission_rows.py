"""The case list answered from the permission rows: each agency's row of the basic permission (its
listing row) carries copies of the case's status, district and change time, kept by a trigger on
the case so they hold whoever writes the case (the application, a fixture, a person at the SQL
prompt). Rows of the other permissions carry NULL: a case write touches one row per agency."""

import django.db.models.deletion
from django.db import migrations, models

COPY = "case_updated_at = {new}updated_at, case_status = {new}status, case_district_id = {new}district_id"
LISTING_ROWS = "content_object_id = {new}id AND case_status IS NOT NULL"

POSTGRES_TRIGGER = f"""
CREATE OR REPLACE FUNCTION cases_listing_copy() RETURNS trigger AS $$
BEGIN
    UPDATE cases_casegroupobjectpermission SET {COPY.format(new="NEW.")}
     WHERE {LISTING_ROWS.format(new="NEW.")};
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER cases_case_listing_copy AFTER UPDATE OF updated_at, status, district_id ON cases_case
    FOR EACH ROW WHEN (
        OLD.updated_at IS DISTINCT FROM NEW.updated_at OR OLD.status IS DISTINCT FROM NEW.status
        OR OLD.district_id IS DISTINCT FROM NEW.district_id
    ) EXECUTE FUNCTION cases_listing_copy();
"""

SQLITE_TRIGGER = f"""
CREATE TRIGGER cases_case_listing_copy AFTER UPDATE OF updated_at, status, district_id ON cases_case
BEGIN
    UPDATE cases_casegroupobjectpermission SET {COPY.format(new="NEW.")}
     WHERE {LISTING_ROWS.format(new="NEW.")};
END
"""


def copies_and_trigger(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    basic = Permission.objects.filter(
        content_type__app_label="cases", content_type__model="case", codename="view_case_basic"
    ).first()
    if basic is not None:  # a fresh database has no permissions and no rows yet
        column = "(SELECT c.{0} FROM cases_case c WHERE c.id = content_object_id)"
        schema_editor.execute(
            "UPDATE cases_casegroupobjectpermission SET "
            + ", ".join(
                f"{target} = {column.format(source)}"
                for target, source in (
                    ("case_updated_at", "updated_at"),
                    ("case_status", "status"),
                    ("case_district_id", "district_id"),
                )
            )
            + " WHERE permission_id = %s",
            [basic.pk],
        )
        schema_editor.execute(
            "UPDATE cases_casegroupobjectpermission SET case_updated_at = NULL WHERE permission_id <> %s", [basic.pk]
        )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_TRIGGER)
    else:
        schema_editor.execute(SQLITE_TRIGGER)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS cases_case_listing_copy ON cases_case")
        schema_editor.execute("DROP FUNCTION IF EXISTS cases_listing_copy()")
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS cases_case_listing_copy")


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0005_reporting_role"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("cases", "0007_db_defaults_for_statistics"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="casegroupobjectpermission",
            name="caseperm_list",
        ),
        migrations.AddField(
            model_name="casegroupobjectpermission",
            name="case_district",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="agencies.district",
            ),
        ),
        migrations.AddField(
            model_name="casegroupobjectpermission",
            name="case_status",
            field=models.CharField(blank=True, max_length=10, null=True),
        ),
        migrations.RunPython(copies_and_trigger, drop_trigger, elidable=False),
        migrations.AddIndex(
            model_name="casegroupobjectpermission",
            index=models.Index(
                fields=["group", "permission", "-case_updated_at", "-content_object"],
                include=("valid_from", "valid_until", "case_status", "case_district"),
                name="caseperm_list",
            ),
        ),
        migrations.AddIndex(
            model_name="casegroupobjectpermission",
            index=models.Index(
                condition=models.Q(("case_status__isnull", False)),
                fields=["group", "permission", "case_status", "-case_updated_at", "-content_object"],
                include=("valid_from", "valid_until", "case_district"),
                name="caseperm_list_status",
            ),
        ),
        migrations.AddIndex(
            model_name="casegroupobjectpermission",
            index=models.Index(
                condition=models.Q(("case_district__isnull", False)),
                fields=["group", "permission", "case_district", "-case_updated_at", "-content_object"],
                include=("valid_from", "valid_until", "case_status"),
                name="caseperm_list_district",
            ),
        ),
    ]
