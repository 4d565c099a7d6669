from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("markets", "0007_notifications_to_one_model"),
    ]

    operations = [migrations.DeleteModel(name="Notification")]
