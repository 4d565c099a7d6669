"""OpenAPI pieces that django-ninja cannot derive from a schema."""

from __future__ import annotations

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_answer(description: str, *media_types: str, status: int = 200) -> dict:
    """`openapi_extra` of an endpoint that answers a file (`response={200: None}`): its media
    types, so the document says what the body is and `make fuzz` checks the Content-Type."""
    content = {}
    for media_type in media_types:
        if media_type.endswith("json"):
            content[media_type] = {"schema": {"type": "object"}}
        else:
            content[media_type] = {"schema": {"type": "string", "format": "binary"}}
    return {"responses": {status: {"description": description, "content": content}}}
