"""Backups that restore (jobs/backup.py): the drill, a damaged backup, a used folder.

The drill runs on the test database itself: backup, wipe (rows deleted, files deleted, a stray
file added), restore, then the same census as the manifest's.
"""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from metropoli.jobs import backup as backups
from metropoli.trees.models import Tree, TreePhoto
from metropoli.trees.tests.factories import image_bytes, make_tree

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COOPERATION_PRIVATE_ROOT = tmp_path / "private"
    settings.COOPERATION_PRIVATE_ROOT.mkdir(parents=True)
    (settings.COOPERATION_PRIVATE_ROOT / "agreement.pdf").write_bytes(b"%PDF-1.4 signed")
    return settings


@pytest.fixture
def citizen(db):
    from metropoli.accounts.models import User

    return User.objects.create_user("ciudadana@example.mx", "a-long-password", display_name="C")


def trees_version() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM maps_layerversion WHERE layer = 'trees'")
        return cursor.fetchone()[0]


def census() -> dict:
    with transaction.atomic(), connection.cursor() as cursor:
        return backups.table_census(cursor)


def test_drill_backup_wipe_restore_gives_identical_counts_and_checksums(
    files, municipalities, citizen, tmp_path
):
    from metropoli.trees.services import add_photo

    tree = make_tree(citizen)
    add_photo(tree=tree, data=image_bytes(), uploaded_by=citizen)
    media = sorted(p.relative_to(files.MEDIA_ROOT) for p in files.MEDIA_ROOT.rglob("*.*"))
    assert media  # the photo and its thumbnail
    call_command("backup", str(tmp_path / "backup"))
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["database"]["tables"] == census()
    assert manifest["database"]["tables"]["trees_tree"]["rows"] == 1
    assert set(manifest["files"]["media"]) == {p.as_posix() for p in media}
    version_before = census()["maps_layerversion"]

    # The wipe: rows and files gone, a file that was never backed up.
    TreePhoto.objects.all().delete()
    Tree.objects.all().delete()
    make_tree(citizen)  # raises the trees layer's version past the backup's
    served_before_restore = trees_version()
    for path in files.MEDIA_ROOT.rglob("*.*"):
        path.unlink()
    (files.MEDIA_ROOT / "stray.txt").write_text("not in the backup")
    (files.COOPERATION_PRIVATE_ROOT / "agreement.pdf").unlink()

    call_command("restore", str(tmp_path / "backup"), interactive=False)

    restored = census()
    layer_versions = restored.pop("maps_layerversion")
    expected = dict(manifest["database"]["tables"])
    expected.pop("maps_layerversion")
    assert restored == expected
    assert backups.file_census(files.MEDIA_ROOT) == manifest["files"]["media"]
    assert (files.COOPERATION_PRIVATE_ROOT / "agreement.pdf").read_bytes() == b"%PDF-1.4 signed"
    assert Tree.objects.get().pk == tree.pk and TreePhoto.objects.get().tree_id == tree.pk
    # Tiles are cached by version: after the restore the version is one never served before.
    assert layer_versions["rows"] == version_before["rows"]
    assert trees_version() > served_before_restore


def test_a_damaged_backup_is_refused_and_nothing_changes(files, municipalities, citizen, tmp_path):
    make_tree(citizen)
    call_command("backup", str(tmp_path / "backup"))
    private = tmp_path / "backup" / "files" / "cooperation-private" / "agreement.pdf"
    private.write_bytes(b"%PDF-1.4 forged")
    Tree.objects.all().delete()
    before = census()
    with pytest.raises(CommandError, match="damaged; nothing was changed"):
        call_command("restore", str(tmp_path / "backup"), interactive=False)
    assert census() == before and not Tree.objects.exists()
    with pytest.raises(CommandError, match="not a backup"):
        call_command("restore", str(tmp_path), interactive=False)


def test_a_backup_needs_a_new_or_empty_folder(files, tmp_path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "notes.txt").write_text("keep me")
    with pytest.raises(CommandError, match="not an empty folder"):
        call_command("backup", str(tmp_path / "used"))
    assert (tmp_path / "used" / "notes.txt").read_text() == "keep me"
