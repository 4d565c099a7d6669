"""The cooperation office's group exists from the first migrate, so that a platform
administrator of a new installation can add people to it in the admin (transfer manual)."""

from django.db import migrations

COOPERATION_OFFICE_GROUP = "Cooperation office"  # rules.COOPERATION_OFFICE_GROUP


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=COOPERATION_OFFICE_GROUP)


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0002_publisher_and_spanish_names"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
