"""Settings for the test suite: PostGIS named by METROPOLI_DATABASE_URL (scripts/test.sh starts a
throw-away cluster), else the demo's own cluster under var/ (Django makes its own test database)."""

import atexit
import shutil
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES

DEBUG = False
SECRET_KEY = "metropoli-test-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests run their background tasks at once, in the same transaction as the test.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Tests set the SMTP host and port of their own aiosmtpd server.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = 1
ALLOWED_HOSTS = ["*"]
DATABASES["default"]["CONN_MAX_AGE"] = 0
STORAGES = {
    "default": {"BACKEND": "metropoli.common.storage.AtomicFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tests write and read tiles within milliseconds: read the layer version on every request
# (maps/tests/test_versions.py covers the remembered version on its own).
METROPOLI_TILE_VERSION_SECONDS = 0

# Uploaded files (photos, signed agreements) of a test run go to a folder of its own, removed
# at the end, never into the checkout's var/ (tests that look at files set their own tmp_path).
_TEST_FILES = Path(tempfile.mkdtemp(prefix="metropoli-test-files-"))
atexit.register(shutil.rmtree, _TEST_FILES, ignore_errors=True)
MEDIA_ROOT = _TEST_FILES / "media"
COOPERATION_PRIVATE_ROOT = _TEST_FILES / "private"
TREES_IMPORT_ROOT = _TEST_FILES / "tree-imports"
