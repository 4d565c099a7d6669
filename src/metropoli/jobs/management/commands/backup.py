"""`metropoli backup DIR`: the database, the uploaded and the private files, a manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from metropoli.jobs.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a backup into DIR (a new or empty folder): pg_dump's custom format, the uploaded "
        "and private files, and a manifest of row counts and checksums (metropoli restore DIR)."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory: Path, **options):
        try:
            summary = backup(directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"backup in {directory}: {summary.tables} tables, {summary.rows} rows, "
            f"{summary.files} files, {summary.bytes / 1e6:.1f} MB"
        )
