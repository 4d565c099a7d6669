"""The trees' change history moves to the one history of every app (common.ChangeRecord,
docs/decisions/0090-one-change-history.md): every row is copied, then the old table goes.

Each old row (one field of a site or tree) becomes one record with that one field, so nothing
is merged or lost; the pages group a change's fields by moment, person and action as before.
A site's row keeps its tree as the record's parent; a removal's "reason" row becomes the
reason of a record with no fields. Migrating back copies the records into the old rows.
"""

from django.db import migrations

FORWARD = """
INSERT INTO common_changerecord
    (content_type_id, object_id, parent_type_id, parent_id, action, changes, reason,
     changed_by_id, changed_at)
SELECT
    CASE WHEN subject = 'site' THEN %(site)s ELSE %(tree)s END,
    subject_id,
    CASE WHEN subject = 'site' AND tree_id_ref IS NOT NULL THEN %(tree)s END,
    CASE WHEN subject = 'site' THEN tree_id_ref END,
    action,
    CASE WHEN field = 'reason' AND action = 'delete' THEN '[]'::jsonb
         ELSE jsonb_build_array(jsonb_build_object('field', field, 'old', old_value, 'new', new_value))
    END,
    CASE WHEN field = 'reason' AND action = 'delete' THEN new_value ELSE '' END,
    changed_by_id,
    changed_at
FROM trees_changerecord
ORDER BY id
"""

BACKWARD = """
INSERT INTO trees_changerecord
    (subject, subject_id, tree_id_ref, action, field, old_value, new_value, changed_by_id,
     changed_at)
SELECT subject, subject_id, tree_id_ref, action, field, old_value, new_value, changed_by_id,
       changed_at
FROM (
    SELECT r.id, e.n,
        CASE WHEN r.content_type_id = %(site)s THEN 'site' ELSE 'tree' END AS subject,
        r.object_id AS subject_id,
        CASE WHEN r.content_type_id = %(site)s THEN r.parent_id ELSE r.object_id END AS tree_id_ref,
        r.action, e.c ->> 'field' AS field, e.c ->> 'old' AS old_value,
        e.c ->> 'new' AS new_value, r.changed_by_id, r.changed_at
    FROM common_changerecord r
    CROSS JOIN LATERAL jsonb_array_elements(r.changes) WITH ORDINALITY AS e(c, n)
    WHERE r.content_type_id IN (%(site)s, %(tree)s)
    UNION ALL
    SELECT r.id, 1000000, 'tree', r.object_id, r.object_id, r.action, 'reason', '', r.reason,
        r.changed_by_id, r.changed_at
    FROM common_changerecord r
    WHERE r.content_type_id = %(tree)s AND r.reason <> ''
) AS rows
ORDER BY id, n;
DELETE FROM common_changerecord WHERE content_type_id IN (%(site)s, %(tree)s)
"""


def _kinds(apps) -> dict[str, int]:
    content_type = apps.get_model("contenttypes", "ContentType")
    return {
        name: content_type.objects.get_or_create(app_label="trees", model=model)[0].pk
        for name, model in (("site", "plantingsite"), ("tree", "tree"))
    }


def copy_forward(apps, schema_editor):
    schema_editor.execute(FORWARD, _kinds(apps))


def copy_back(apps, schema_editor):
    for statement in BACKWARD.split(";"):
        schema_editor.execute(statement, _kinds(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("trees", "0008_spanish_admin_names"),
        ("common", "0002_change_records"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(copy_forward, copy_back),
        migrations.DeleteModel(name="ChangeRecord"),
    ]
