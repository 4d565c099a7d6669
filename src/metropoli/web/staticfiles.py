"""The production static files: hashed names (kept by browsers for a year) with a .gz and a .br
copy beside each, which nginx sends to browsers that accept them (decision 0087).

WhiteNoise's storage, with two changes to how long `collectstatic` takes: Brotli at quality 10
instead of 11 (MapLibre: 246 KB instead of 242 KB, in two fifths of the time), and no
compressed copies of source maps (several MB that only developer tools ask for).
"""

from __future__ import annotations

import brotli
from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage

BROTLI_QUALITY = 10


class _Compressor(Compressor):
    SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

    @staticmethod
    def compress_brotli(data: bytes) -> bytes:
        return brotli.compress(data, quality=BROTLI_QUALITY)


class CompressedHashedStaticFiles(CompressedManifestStaticFilesStorage):
    def create_compressor(self, **kwargs):
        if kwargs.get("extensions") is None:
            kwargs["extensions"] = _Compressor.SKIP_COMPRESS_EXTENSIONS
        return _Compressor(**kwargs)
