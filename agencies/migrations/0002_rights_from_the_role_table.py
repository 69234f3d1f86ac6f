"""Rights come from the role table (agencies.roles.ROLE_PERMISSIONS via agencies.backends.RoleBackend):
the role groups and the users' group links that mirrored it are removed. Agency groups stay, as
the anchor of each agency's object permissions on cases."""

from django.db import migrations


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("accounts", "User")
    User.groups.through.objects.all().delete()
    Group.objects.filter(name__startswith="role:").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0001_initial"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
