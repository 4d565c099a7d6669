from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0005_notices_to_one_model"),
    ]

    operations = [migrations.DeleteModel(name="Notice")]
