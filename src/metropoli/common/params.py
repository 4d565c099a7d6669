"""Numbers that an address, a query string or a form field carries."""

from __future__ import annotations

import re

# At most 18 digits: the number fits PostgreSQL's bigint (and every id column).
DIGITS = re.compile(r"[0-9]{1,18}")


def whole_number(text: str | None) -> int | None:
    """The non-negative whole number `text` writes in ASCII digits, or None.

    `str.isdigit()` is not the test: it is true of "²", "①" and "١٢٣", which int() refuses or
    reads as 123, and of 5,000 digits, which int() refuses (more than 4,300); each answered 500.
    """
    if text is None or not DIGITS.fullmatch(text):
        return None
    return int(text)
