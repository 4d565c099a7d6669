"""The query parameters of OGC API – Features items: read, checked, refused in words.

Every refusal is an `OgcError` (400, a stable code, a message in the request's language): the
standard asks for 400 on an unknown parameter or an invalid value (Part 1, /req/core/
query-param-unknown and query-param-invalid), and we never let a bad value reach the database.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
# Deeper pages are reached through the `next` links (a cursor, as fast on page 10,000 as on
# page 1); an offset makes the database walk past every skipped row.
MAX_OFFSET = 100_000
MAX_KEY_LENGTH = 80
# The parameters every items request may carry; each collection adds its own filters.
PAGING = ("limit", "offset", "after", "before")
COMMON = ("f", "bbox", *PAGING)
DIGITS = re.compile(r"[0-9]{1,18}")


class OgcError(Exception):
    """A refusal: rendered as {"code", "message"} with `status`."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = str(message)


def invalid(code: str, message: str) -> OgcError:
    return OgcError(400, code, message)


@dataclass(frozen=True)
class Page:
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    after: str | None = None
    before: str | None = None


@dataclass(frozen=True)
class Interval:
    """A closed interval of instants in UTC; None is open on that side."""

    start: datetime | None
    end: datetime | None


def single(params, name: str) -> str | None:
    """The value of a parameter given at most once; None when absent or empty."""
    values = params.getlist(name)
    if len(values) > 1:
        raise invalid(
            "repeated_parameter",
            _("The parameter %(name)s appears more than once.") % {"name": name},
        )
    value = values[0].strip() if values else ""
    return value or None


def check_known(params, allowed: tuple[str, ...] | list[str]) -> None:
    unknown = sorted(set(params.keys()) - set(allowed))
    if unknown:
        raise invalid(
            "unknown_parameter",
            _("Unknown parameter: %(names)s. This address accepts: %(allowed)s.")
            % {"names": ", ".join(name[:40] for name in unknown), "allowed": ", ".join(allowed)},
        )


def check_format(params) -> None:
    value = single(params, "f")
    if value is not None and value.lower() not in ("json", "geojson"):
        raise invalid(
            "unsupported_format",
            _("The format %(value)s is not offered here; use f=json (or leave f out).")
            % {"value": value[:20]},
        )


def _integer(params, name: str, *, default: int, minimum: int, maximum: int) -> int:
    value = single(params, name)
    if value is None:
        return default
    number = int(value) if DIGITS.fullmatch(value) else None
    if number is None or not minimum <= number <= maximum:
        raise invalid(
            "invalid_" + name,
            _("%(name)s must be a whole number from %(minimum)s to %(maximum)s.")
            % {"name": name, "minimum": minimum, "maximum": f"{maximum:,}"},
        )
    return number


def parse_page(params, key_is_int: bool) -> Page:
    limit = _integer(params, "limit", default=DEFAULT_LIMIT, minimum=1, maximum=MAX_LIMIT)
    offset = _integer(params, "offset", default=0, minimum=0, maximum=MAX_OFFSET)
    after, before = single(params, "after"), single(params, "before")
    if after is not None and before is not None:
        raise invalid("invalid_cursor", _("Give either after or before, not both."))
    if offset and (after is not None or before is not None):
        raise invalid("invalid_cursor", _("offset cannot be combined with after or before."))
    for name, value in (("after", after), ("before", before)):
        if value is None:
            continue
        if (key_is_int and not DIGITS.fullmatch(value)) or len(value) > MAX_KEY_LENGTH:
            raise invalid(
                "invalid_cursor",
                _("%(name)s must be the id of a feature, as in the next and prev links.")
                % {"name": name},
            )
    return Page(limit=limit, offset=offset, after=after, before=before)


def parse_bbox(params) -> list[tuple[float, float, float, float]]:
    """bbox=west,south,east,north (or six numbers, with heights) in CRS84 degrees.

    A box with west > east crosses the antimeridian: it is answered as two boxes.
    """
    value = single(params, "bbox")
    if value is None:
        return []
    message = _(
        "bbox must be four numbers, west,south,east,north in degrees (longitude −180 to 180, "
        "latitude −90 to 90, south ≤ north), or six with the minimum and maximum height."
    )
    parts = value.split(",")
    if len(parts) not in (4, 6):
        raise invalid("invalid_bbox", message)
    try:
        numbers = [float(part) for part in parts]
    except ValueError as error:
        raise invalid("invalid_bbox", message) from error
    if not all(math.isfinite(n) for n in numbers):
        raise invalid("invalid_bbox", message)
    if len(numbers) == 6:
        west, south, _low, east, north, _high = numbers
    else:
        west, south, east, north = numbers
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
        raise invalid("invalid_bbox", message)
    if west > east:
        return [(west, south, 180.0, north), (-180.0, south, east, north)]
    return [(west, south, east, north)]


def _instant(text: str, *, end: bool) -> datetime:
    """An RFC 3339 date-time (UTC when it names no offset), or a date: the whole day in the
    platform's time zone (its first or last instant)."""
    if len(text) == 10:
        day = date.fromisoformat(text)
        return timezone.make_aware(datetime.combine(day, time.max if end else time.min))
    moment = datetime.fromisoformat(text.upper())  # "t" and "z" are RFC 3339 too
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_datetime(params) -> Interval | None:
    """datetime=instant, start/end, ../end or start/.. (Part 1, /req/core/fc-time-definition)."""
    value = single(params, "datetime")
    if value is None:
        return None
    message = _(
        "datetime must be a date-time like 2025-03-31T12:00:00Z, a date like 2025-03-31, or an "
        "interval start/end where either side may be .. (open)."
    )
    try:
        if "/" in value:
            first, _slash, second = value.partition("/")
            if "/" in second:
                raise ValueError(value)
            start = None if first in ("", "..") else _instant(first, end=False)
            end = None if second in ("", "..") else _instant(second, end=True)
            if start is None and end is None:
                raise ValueError(value)
        else:
            start, end = _instant(value, end=False), _instant(value, end=True)
    except (ValueError, OverflowError) as error:
        raise invalid("invalid_datetime", message) from error
    if start is not None and end is not None and start > end:
        raise invalid("invalid_datetime", _("The start of datetime is after its end."))
    return Interval(start, end)
