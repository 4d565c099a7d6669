"""Uploads are written whole or not at all, with a 503 in words when the disk says no."""

import os
import resource
import signal
from contextlib import contextmanager

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import translation

from metropoli.common.domain_errors import message_of
from metropoli.common.storage import StorageUnavailable


@contextmanager
def files_limited_to(size: int):
    """A real write failure that works as root too: the kernel refuses (EFBIG) any write past
    `size` bytes in a file of this process, the way a full disk refuses (ENOSPC)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


def files_under(folder) -> list[str]:
    return [os.path.join(root, name) for root, _dirs, names in os.walk(folder) for name in names]


def test_a_write_that_fails_half_way_leaves_no_file_behind(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with (
        translation.override("en"),
        files_limited_to(64 * 1024),
        pytest.raises(StorageUnavailable) as refused,
    ):
        default_storage.save("trees/photo.jpg", ContentFile(b"\xff" * 300_000))
    error = refused.value
    assert (error.code, error.kind, error.retry_after) == (
        "storage_unavailable",
        "unavailable",
        300,
    )
    with translation.override("en"):
        assert message_of(error) == (
            "There is no room left to store files. Please try again later."
        )
    assert files_under(tmp_path) == []


def test_a_whole_file_gets_its_name_and_never_replaces_another(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first = default_storage.save("trees/photo.jpg", ContentFile(b"one"))
    second = default_storage.save("trees/photo.jpg", ContentFile(b"two"))
    assert first == "trees/photo.jpg" and second != first
    assert (tmp_path / first).read_bytes() == b"one"
    assert (tmp_path / second).read_bytes() == b"two"
    assert sorted(os.path.basename(f) for f in files_under(tmp_path)) == sorted(
        [os.path.basename(first), os.path.basename(second)]
    )
    assert oct((tmp_path / first).stat().st_mode & 0o777) == oct(0o644)
