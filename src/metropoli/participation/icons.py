"""Checking a category icon uploaded by a consultation's staff: an SVG or a PNG (no Django).

An SVG is parsed with defusedxml (no entities, no external DTDs) and refused when it holds
anything that could run or fetch: scripts, event-handler attributes, foreignObject, or links
that do not point inside the file itself. A PNG is opened by common.images (type by content,
pixel limits) and re-encoded from its pixels. Icons are shown through <img>, where an SVG cannot
run scripts anyway; the check keeps the stored file harmless when opened on its own too.
"""

import io
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError  # noqa: S405 - only the exception type

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from metropoli.common.images import ImageRefused, open_upload, pixels_only

MAX_BYTES = 100 * 1024
MAX_SIDE = 512
SVG_FORBIDDEN = {"script", "foreignobject", "iframe", "embed", "object", "audio", "video"}
LINK_ATTRIBUTES = {"href", "src"}


class IconRefused(ValueError):
    """The upload is not an icon we keep."""


@dataclass(frozen=True)
class CleanIcon:
    content: bytes
    extension: str


def _local_name(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def _check_svg(raw: bytes) -> CleanIcon:
    try:
        root = fromstring(raw)
    except (ParseError, DefusedXmlException, ValueError) as error:
        raise IconRefused from error
    if _local_name(root.tag) != "svg":
        raise IconRefused
    for element in root.iter():
        if not isinstance(element.tag, str) or _local_name(element.tag) in SVG_FORBIDDEN:
            raise IconRefused
        for attribute, value in element.attrib.items():
            name = _local_name(attribute)
            if name.startswith("on"):
                raise IconRefused
            if name in LINK_ATTRIBUTES and not value.strip().startswith("#"):
                raise IconRefused
            if "url(" in value.replace(" ", "").lower() and "url(#" not in value.replace(" ", ""):
                raise IconRefused
        if _local_name(element.tag) == "style" and "@import" in (element.text or "").lower():
            raise IconRefused
    return CleanIcon(raw, "svg")


def _check_png(raw: bytes) -> CleanIcon:
    try:
        opened = open_upload(
            raw, max_bytes=MAX_BYTES, max_pixels=MAX_SIDE * MAX_SIDE, formats={"PNG": "png"}
        )
    except ImageRefused as error:
        raise IconRefused from error
    image = opened.image
    if image.width > MAX_SIDE or image.height > MAX_SIDE:
        raise IconRefused
    out = io.BytesIO()
    pixels_only(image.convert("RGBA")).save(out, "PNG", optimize=True)
    return CleanIcon(out.getvalue(), "png")


def clean_icon(raw: bytes) -> CleanIcon:
    """The icon to store (raises IconRefused)."""
    if not raw or len(raw) > MAX_BYTES:
        raise IconRefused
    if raw.startswith(b"\x89PNG"):
        return _check_png(raw)
    head = raw[:512].lstrip().lower()
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or b"<svg" in head:
        return _check_svg(raw)
    raise IconRefused
