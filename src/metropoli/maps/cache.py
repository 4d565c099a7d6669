"""Encoded tiles kept for reuse, in two tiers: each server process's memory, then a folder
shared by all processes of the host.

Keys are (layer, version, ...) where the version is the layer's data version (maps.versions):
a write makes every older entry unreachable at once. The memory tier is an LRU bounded in
bytes (METROPOLI_TILE_CACHE_BYTES); the folder tier (METROPOLI_TILE_CACHE_DIR) lets a tile
rendered by one worker serve the others, is pruned to METROPOLI_TILE_DISK_CACHE_BYTES, and
drops the folders of older versions. Entries of both tiers expire after
METROPOLI_TILE_CACHE_SECONDS, a bound on staleness should a version bump ever be lost (a
process dying between a commit and its bump). Either tier is off when its budget is 0.
"""

import hashlib
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from cachetools import TTLCache
from django.conf import settings

_lock = threading.Lock()
_cache: TTLCache | None = None
_written_since_prune = 0


def _seconds() -> int:
    return int(getattr(settings, "METROPOLI_TILE_CACHE_SECONDS", 600))


def _instance() -> TTLCache | None:
    global _cache
    budget = int(getattr(settings, "METROPOLI_TILE_CACHE_BYTES", 0))
    if budget <= 0 or _seconds() <= 0:
        return None
    if _cache is None or _cache.maxsize != budget or _cache.ttl != _seconds():
        _cache = TTLCache(maxsize=budget, ttl=_seconds(), getsizeof=lambda body: max(len(body), 1))
    return _cache


def _folder() -> Path | None:
    folder = getattr(settings, "METROPOLI_TILE_CACHE_DIR", "")
    if not folder or int(getattr(settings, "METROPOLI_TILE_DISK_CACHE_BYTES", 0)) <= 0:
        return None
    return Path(folder)


def _path(folder: Path, key: tuple) -> Path:
    layer, version = key[0], key[1]
    name = hashlib.blake2s(repr(key).encode()).hexdigest()
    return folder / str(layer) / str(version) / f"{name}.pbf"


def get(key: tuple) -> bytes | None:
    with _lock:
        cache = _instance()
        body = None if cache is None else cache.get(key)
    if body is not None:
        return body
    folder = _folder()
    if folder is None:
        return None
    path = _path(folder, key)
    try:
        if time.time() - path.stat().st_mtime > _seconds():
            return None
        body = path.read_bytes()
    except OSError:
        return None
    with _lock:
        if cache is not None and len(body) <= cache.maxsize:
            cache[key] = body
    return body


def put(key: tuple, body: bytes) -> None:
    with _lock:
        cache = _instance()
        if cache is not None and len(body) <= cache.maxsize:
            cache[key] = body
    folder = _folder()
    if folder is not None:
        _write(folder, key, body)


def _write(folder: Path, key: tuple, body: bytes) -> None:
    global _written_since_prune
    path = _path(folder, key)
    try:
        if not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            _drop_older_versions(path.parent)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(body)
        os.replace(temporary, path)  # readers see the whole tile or none
    except OSError:
        return  # a full or read-only disk costs a re-render, never an error
    _written_since_prune += len(body)
    budget = int(getattr(settings, "METROPOLI_TILE_DISK_CACHE_BYTES", 0))
    if _written_since_prune > budget // 10:
        _written_since_prune = 0
        prune(folder, budget)


def _drop_older_versions(version_folder: Path) -> None:
    current = int(version_folder.name)
    for sibling in version_folder.parent.iterdir():
        if sibling.name.isdigit() and int(sibling.name) < current:
            shutil.rmtree(sibling, ignore_errors=True)


def prune(folder: Path, budget: int) -> None:
    """Delete the oldest tiles until the folder holds at most 80 % of the budget."""
    files = []
    for path in folder.glob("*/*/*.pbf"):
        try:
            info = path.stat()
        except OSError:
            continue
        files.append((info.st_mtime, info.st_size, path))
    total = sum(size for _, size, _ in files)
    if total <= budget:
        return
    for _, size, path in sorted(files):
        path.unlink(missing_ok=True)
        total -= size
        if total <= budget * 0.8:
            return


def clear() -> None:
    with _lock:
        if _cache is not None:
            _cache.clear()
