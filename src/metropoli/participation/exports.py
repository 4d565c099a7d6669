"""Exports of contributions without personal data: no author, device, photo, or exact time.

Columns: what was said, where, in which category and phase, and what the moderators answered.
"""

import io
import json

from openpyxl import Workbook

from metropoli.common import exports

from .selectors import feature

COLUMNS = [
    "id",
    "category",
    "type",
    "text",
    "kind",
    "lon",
    "lat",
    "wkt",
    "phase",
    "created",
    "feedback_status",
    "feedback_answer",
    "ups",
    "downs",
    "comments",
    "demo",
]


def rows(queryset):
    for item in queryset:
        centre = (
            item.geometry if item.geometry.geom_type == "Point" else item.geometry.point_on_surface
        )
        yield [
            item.pk,
            item.category.name,
            item.type,
            item.text,
            item.geometry_kind,
            round(centre.x, 6),
            round(centre.y, 6),
            item.geometry.wkt,
            item.phase.kind,
            item.created_at.date().isoformat(),
            item.feedback_status,
            item.feedback_answer,
            getattr(item, "ups", 0),
            getattr(item, "downs", 0),
            getattr(item, "comment_count", 0),
            "yes" if item.is_demo else "no",
        ]


def as_csv(queryset) -> bytes:
    out = io.StringIO()
    writer = exports.csv_writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(rows(queryset))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(queryset) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "contributions"
    sheet.append(COLUMNS)
    for row in rows(queryset):
        exports.append_row(sheet, row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def as_geojson(queryset) -> bytes:
    collection = {"type": "FeatureCollection", "features": [feature(i) for i in queryset]}
    return json.dumps(collection, ensure_ascii=False).encode("utf-8")
