"""The production static files storage writes a Brotli and a gzip copy of each script beside it,
which nginx sends to browsers that accept them, and no copies of source maps (decision 0087)."""

import gzip

import brotli

from metropoli.web.staticfiles import CompressedHashedStaticFiles


def test_a_script_gets_a_brotli_and_a_gzip_copy_smaller_than_gzip_alone(tmp_path):
    script = tmp_path / "module.mjs"
    source = b"".join(
        b"export const value%d = 'a map of trees %d';\n" % (i, i) for i in range(3000)
    )
    script.write_bytes(source)
    compressor = CompressedHashedStaticFiles(location=tmp_path).create_compressor(quiet=True)

    written = sorted(compressor.compress(str(script)))

    assert written == [f"{script}.br", f"{script}.gz"]
    br, gz = (tmp_path / "module.mjs.br").read_bytes(), (tmp_path / "module.mjs.gz").read_bytes()
    assert brotli.decompress(br) == source and gzip.decompress(gz) == source
    assert len(br) < len(gz)


def test_source_maps_and_images_are_left_alone(tmp_path):
    compressor = CompressedHashedStaticFiles(location=tmp_path).create_compressor(quiet=True)
    assert compressor.should_compress("vendor/ol/ol.js")
    assert compressor.should_compress("web/site.css")
    assert not compressor.should_compress("vendor/ol/ol.js.map")
    assert not compressor.should_compress("web/icons/icon-192.png")
