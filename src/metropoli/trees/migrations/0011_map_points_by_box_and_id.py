from django.contrib.postgres.indexes import GistIndex
from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations


class Migration(migrations.Migration):
    """The trees of a box in id order from one index (decision 0096): btree_gist lets a GiST
    index hold the tree's id beside its point and order by distance to an id."""

    dependencies = [
        ("trees", "0010_photo_key_in_common_idempotency"),
    ]

    operations = [
        BtreeGistExtension(),
        migrations.AddIndex(
            model_name="treemappoint",
            index=GistIndex(fields=["geom", "tree"], name="trees_mappoint_geom_id"),
        ),
    ]
