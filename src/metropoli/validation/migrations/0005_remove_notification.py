from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("validation", "0004_notifications_to_one_model"),
    ]

    operations = [migrations.DeleteModel(name="Notification")]
