"""Errors that reach people: a stable machine code plus a message in their language."""

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    details: list[dict] | None = None


class ApiError(Exception):
    """Raised by API endpoints and services; rendered as {"code", "message"} with a status."""

    def __init__(self, status: int, code: str, message: str, details: list[dict] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = str(message)
        self.details = details
