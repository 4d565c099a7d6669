"""The projects' change history moves to the one history of every app (common.ChangeRecord,
docs/decisions/0090-one-change-history.md): every row is copied, then the old table goes.

Each old row (one field of a project) becomes one record with that one field; the "created"
row becomes a creation, the others changes. Migrating back copies the records into the old
rows (those of projects that still exist: the old table's rows went with their project).
"""

from django.db import migrations

FORWARD = """
INSERT INTO common_changerecord
    (content_type_id, object_id, action, changes, reason, changed_by_id, changed_at)
SELECT
    %(project)s,
    project_id,
    CASE WHEN field = 'created' THEN 'create' ELSE 'update' END,
    jsonb_build_array(jsonb_build_object('field', field, 'old', old_value, 'new', new_value)),
    '',
    changed_by_id,
    changed_at
FROM cooperation_changerecord
ORDER BY id
"""

BACKWARD = """
INSERT INTO cooperation_changerecord
    (project_id, field, old_value, new_value, changed_by_id, changed_at)
SELECT r.object_id, e.c ->> 'field', e.c ->> 'old', e.c ->> 'new', r.changed_by_id,
    r.changed_at
FROM common_changerecord r
JOIN cooperation_project p ON p.id = r.object_id
CROSS JOIN LATERAL jsonb_array_elements(r.changes) WITH ORDINALITY AS e(c, n)
WHERE r.content_type_id = %(project)s
ORDER BY r.id, e.n;
DELETE FROM common_changerecord WHERE content_type_id = %(project)s
"""


def _kinds(apps) -> dict[str, int]:
    content_type = apps.get_model("contenttypes", "ContentType")
    kind, _created = content_type.objects.get_or_create(app_label="cooperation", model="project")
    return {"project": kind.pk}


def copy_forward(apps, schema_editor):
    schema_editor.execute(FORWARD, _kinds(apps))


def copy_back(apps, schema_editor):
    for statement in BACKWARD.split(";"):
        schema_editor.execute(statement, _kinds(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0003_cooperation_office_group"),
        ("common", "0002_change_records"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(copy_forward, copy_back),
        migrations.DeleteModel(name="ChangeRecord"),
    ]
