"""The JSON shape of every API error (decision 0008), for the routers' response declarations.

Kept apart from `common/errors.py`, which the pure packages import and so cannot import ninja."""

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    details: list[dict] | None = None
