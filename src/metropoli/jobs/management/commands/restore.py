"""`metropoli restore DIR`: replace the database and the files with a backup's, then check."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from metropoli.jobs.backup import BackupError, read_manifest, restore


class Command(BaseCommand):
    help = (
        "Replace the database and the uploaded and private files with the backup in DIR "
        "(checked first; the database is replaced in one transaction), then check the restored "
        "row counts and checksums against its manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help="Do not ask to confirm."
        )

    def handle(self, *args, directory: Path, interactive: bool, **options):
        try:
            manifest = read_manifest(directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        name = settings.DATABASES["default"]["NAME"]
        if interactive:
            answer = input(
                f"Replace everything in the database “{name}” and the uploaded files with the "
                f"backup of {manifest['created_at']}? Type 'yes' to go on: "
            )
            if answer.strip() != "yes":
                raise CommandError("Nothing was changed.")
        try:
            summary = restore(directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"restored {directory} ({manifest['created_at']}): {summary.tables} tables, "
            f"{summary.rows} rows, {summary.files} files; counts and checksums match the manifest"
        )
