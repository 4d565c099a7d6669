"""The starting lessons and quizzes, in every database (staff edit them in the admin)."""

from django.db import migrations


def seed_lessons(apps, schema_editor):
    from metropoli.learning.content import seed

    seed(
        apps.get_model("learning", "Lesson"),
        apps.get_model("learning", "Quiz"),
        apps.get_model("learning", "Question"),
        apps.get_model("learning", "Choice"),
    )


class Migration(migrations.Migration):
    dependencies = [("learning", "0001_lessons_quizzes_certification")]

    operations = [migrations.RunPython(seed_lessons, migrations.RunPython.noop)]
