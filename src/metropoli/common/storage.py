"""Uploaded files are written whole or not at all (decision 0044).

Django's FileSystemStorage writes straight to the final name: when the disk fills up or the
folder turns read-only half way, a truncated photo stays behind under a name that looks good.
Here each file is written under a hidden temporary name beside its final one, flushed to disk,
and only then linked to its name (a hard link never replaces an existing file). Whatever fails
removes the temporary file, and the person gets a 503 in their language instead of a 500.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import tempfile

from django.core.files.storage import FileSystemStorage
from django.utils._os import safe_makedirs

from .errors import CommonErrorCode, DomainError
from .i18n import gettext_noop

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 300
NO_ROOM = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
NO_HARD_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK}


class StorageUnavailable(DomainError):
    """A file could not be stored (full disk, read-only or missing folder): 503 at the edge."""

    def __init__(self, error: OSError):
        message = (
            gettext_noop("There is no room left to store files. Please try again later.")
            if error.errno in NO_ROOM
            else None
        )
        super().__init__(
            CommonErrorCode.STORAGE_UNAVAILABLE, message, retry_after=RETRY_AFTER_SECONDS
        )


class AtomicFileSystemStorage(FileSystemStorage):
    """FileSystemStorage that never leaves a partial file and says why it could not write."""

    def _save(self, name, content):
        try:
            return self._save_whole(name, content)
        except OSError as error:
            log.error("Could not store %s in %s: %s", name, self.location, error)
            raise StorageUnavailable(error) from error

    def _save_whole(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        if self.directory_permissions_mode is not None:
            safe_makedirs(directory, self.directory_permissions_mode, exist_ok=True)
        else:
            os.makedirs(directory, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".upload-", suffix=".part", dir=directory)
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in content.chunks():
                    out.write(chunk if isinstance(chunk, bytes) else chunk.encode())
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, self.file_permissions_mode or 0o644)
            full_path = self._link(temporary, name, full_path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        # Django's own step of FileSystemStorage._save (5.1+), missing from django-stubs 6.1.2.
        self._ensure_location_group_id(full_path)  # type: ignore[attr-defined]
        return os.path.relpath(full_path, self.location).replace("\\", "/")

    def _link(self, temporary: str, name: str, full_path: str) -> str:
        """Give the written file its name without replacing another file; the final path."""
        while True:
            try:
                os.link(temporary, full_path)
                return full_path
            except FileExistsError:
                name = self.get_available_name(name)
                full_path = self.path(name)
            except OSError as error:
                if error.errno not in NO_HARD_LINKS or os.path.exists(full_path):
                    raise
                os.rename(temporary, full_path)  # a file system without hard links
                return full_path
