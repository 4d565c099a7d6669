"""The JSON shape of every API error (decision 0008): kept apart so `common/errors.py` needs no
Django, and imported from there as before (`from metropoli.common.errors import ErrorOut`)."""

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    details: list[dict] | None = None
