"""The import page's work: an uploaded inventory is checked (a dry run), then, once staff
confirm, imported, both by the task worker and both with `inventory.import_trees`, the same
function as `metropoli trees import` (docs/decisions/0065-inventory-import-page.md).

The import runs in one transaction; its progress is written through a connection of its own,
outside that transaction, so the page that polls sees it move.
"""

import logging
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from metropoli.common.api import require
from metropoli.common.i18n import gettext_noop

from . import inventory
from .inventory_files import GEOJSON_SUFFIXES, ImportFileError
from .models import ImportState, InventoryImport

logger = logging.getLogger("metropoli.trees")
SUFFIXES = (".csv", ".txt", *GEOJSON_SUFFIXES)
KEPT_ERRORS = 1000  # a report lists the first ones; all are counted
PROGRESS_EVERY = 0.01  # of the file, between two progress writes


class UploadRefused(Exception):
    """The upload is not an inventory file we can read (its message says why, translated)."""


def _check_upload(upload: UploadedFile) -> None:
    name = upload.name or ""
    if not name.lower().endswith(SUFFIXES):
        raise UploadRefused(
            _("The file must be a CSV (.csv) or GeoJSON (.geojson, .json) file; “%(name)s” is not.")
            % {"name": name}
        )
    if upload.size > settings.TREES_IMPORT_MAX_BYTES:
        raise UploadRefused(
            _("The file is larger than %(mb)s MB.")
            % {"mb": settings.TREES_IMPORT_MAX_BYTES // (1024 * 1024)}
        )
    if upload.size == 0:
        raise UploadRefused(_("The file is empty."))
    head = next(upload.chunks(4096), b"")[:4096]
    upload.seek(0)
    if b"\x00" in head or head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF")):
        raise UploadRefused(
            _(
                "The file is not text (a spreadsheet or a PDF?). Save it as CSV UTF-8 or "
                "GeoJSON and upload it again."
            )
        )
    if name.lower().endswith(GEOJSON_SUFFIXES) and not head.lstrip(
        b"\xef\xbb\xbf \t\r\n"
    ).startswith(b"{"):
        raise UploadRefused(_("The GeoJSON file must hold a FeatureCollection."))


def start(*, upload: UploadedFile, municipality, user, partial: bool, metric: bool):
    """Keep the uploaded file and have it checked. UploadRefused for a file we cannot take."""
    require(
        user,
        "trees.import_trees",
        municipality,
        message=gettext_noop("Only municipal staff import inventories."),
    )
    _check_upload(upload)
    with transaction.atomic():
        job = InventoryImport(
            municipality=municipality,
            uploaded_by=user,
            original_name=Path(upload.name or "").name[:255],
            partial=partial,
            metric=metric,
            total=upload.size,
        )
        job.file.save(
            Path(upload.name or "inventario").name, upload, save=False
        )  # streamed to storage
        job.save()
        transaction.on_commit(lambda: check_import.enqueue(job.pk))
    return job


def confirm(job: InventoryImport) -> bool:
    """Import a checked file; False when it is not waiting for confirmation (any more)."""
    with transaction.atomic():
        updated = InventoryImport.objects.filter(pk=job.pk, state=ImportState.CHECKED).update(
            state=ImportState.IMPORTING, done=0
        )
        if updated:
            transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return bool(updated)


def can_confirm(job: InventoryImport) -> bool:
    return (
        job.state == ImportState.CHECKED and job.rows > 0 and (job.partial or job.error_count == 0)
    )


class _ProgressWriter:
    """progress(done, total) written through a separate connection, in autocommit, every 1 %."""

    def __init__(self, job_id: int):
        self.job_id, self.last = job_id, -1.0
        self.connection = connections.create_connection("default")

    def __call__(self, done: int, total: int) -> None:
        share = done / max(total, 1)
        if share - self.last < PROGRESS_EVERY and done < total:
            return
        self.last = share
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {InventoryImport._meta.db_table} SET done = %s, total = %s WHERE id = %s",  # noqa: S608
                [done, total, self.job_id],
            )

    def close(self) -> None:
        self.connection.close()


def _run(job_id: int, *, dry_run: bool) -> None:
    job = InventoryImport.objects.select_related("municipality", "uploaded_by").get(pk=job_id)
    progress = _ProgressWriter(job.pk)
    try:
        report = inventory.import_trees(
            path=Path(job.file.path),
            municipality=job.municipality,
            imported_by=job.uploaded_by,
            partial=job.partial,
            imperial=not job.metric,
            progress=progress,
            dry_run=dry_run,
            max_errors=KEPT_ERRORS,
        )
    except ImportFileError as error:
        job.state, job.problem = ImportState.FAILED, str(error)
    except Exception:
        # The transaction was rolled back: say so on the page, and let the task fail visibly.
        logger.exception("inventory import %s stopped", job.pk)
        InventoryImport.objects.filter(pk=job.pk).update(
            state=ImportState.FAILED,
            problem=_("The import stopped because of an error on the server; nothing was written."),
            finished_at=timezone.now(),
        )
        raise
    else:
        job.rows, job.error_count = report.rows, report.error_count
        job.errors = [[e.line, e.column, e.reason] for e in report.errors]
        if dry_run:
            job.state = ImportState.CHECKED
        else:
            job.imported = report.imported
            job.state = (
                ImportState.DONE if report.written or not report.rows else ImportState.FAILED
            )
    finally:
        progress.close()
    job.done = job.total
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "state",
            "problem",
            "rows",
            "error_count",
            "errors",
            "imported",
            "done",
            "finished_at",
        ]
    )


@task()
def check_import(job_id: int) -> None:
    """The dry run: every row checked, its errors kept for the report."""
    _run(job_id, dry_run=True)


@task()
def run_import(job_id: int) -> None:
    """The import itself, all or nothing unless the person chose otherwise."""
    _run(job_id, dry_run=False)
