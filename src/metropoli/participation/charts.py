"""Dependency-free SVG charts for the analysis page: the bars drawn by common/charts.py, the
timeline and the hexagon map as geometry computed here and drawn by the template."""

from metropoli.common import charts
from metropoli.common.geo import lonlat_to_mercator

WIDTH = 640


BAR_LAYOUT = charts.Layout(bar_height=24, row_gap=12, value_width=100, outline="#222")


def bars(items: list[dict], *, title: str, chart_id: str, value_key: str = "count") -> charts.Svg:
    """Horizontal bars (common/charts.py), one per item in the item's own colour, outlined so
    that a pale category colour still shows on white."""
    return charts.bar_chart(
        [
            charts.Row(
                item["name"], [charts.Bar(item[value_key], str(item[value_key]), item["colour"])]
            )
            for item in items
        ],
        title=title,
        chart_id=chart_id,
        layout=BAR_LAYOUT,
    )


def timeline(per_day: list[dict], *, height: int = 220) -> dict:
    """Totals per day as a polyline with dots (each dot has a <title> for screen readers)."""
    totals = [(entry["date"], sum(entry["counts"].values())) for entry in per_day]
    peak = max((n for _d, n in totals), default=0) or 1
    left, bottom, top = 40, height - 30, 10
    step = (WIDTH - left - 20) / max(len(totals) - 1, 1)
    dots = []
    for index, (date, total) in enumerate(totals):
        x = round(left + index * step, 1)
        y = round(bottom - (bottom - top) * total / peak, 1)
        dots.append({"x": x, "y": y, "date": date, "total": total})
    return {
        "width": WIDTH,
        "height": height,
        "points": " ".join(f"{d['x']},{d['y']}" for d in dots),
        "dots": dots,
        "peak": peak,
        "left": left,
        "bottom": bottom,
        "top": top,
    }


def hexmap(hotspots: list[dict], area_coords, *, size: int = 480) -> dict:
    """The proceeding's outline and the hexagons, projected into an SVG box."""
    rings = [ring for polygon in area_coords for ring in polygon[:1]]
    projected = [[lonlat_to_mercator(lon, lat) for lon, lat in ring] for ring in rings]
    xs = [x for ring in projected for x, _y in ring]
    ys = [y for ring in projected for _x, y in ring]
    if not xs:
        return {"size": size, "outline": [], "cells": []}
    min_x, max_x, min_y, max_y = min(xs), max(xs), min(ys), max(ys)
    scale = (size - 20) / max(max_x - min_x, max_y - min_y, 1)

    def svg(lon, lat):
        x, y = lonlat_to_mercator(lon, lat)
        return f"{round(10 + (x - min_x) * scale, 1)},{round(10 + (max_y - y) * scale, 1)}"

    peak = max((h["count"] for h in hotspots), default=0) or 1
    cells = [
        {
            "points": " ".join(svg(lon, lat) for lon, lat in h["outline"]),
            "count": h["count"],
            "opacity": round(0.25 + 0.75 * h["count"] / peak, 2),
        }
        for h in hotspots
    ]
    outline = [" ".join(svg(lon, lat) for lon, lat in ring) for ring in rings]
    return {"size": size, "outline": outline, "cells": cells}


def word_cloud(words: list[dict]) -> list[dict]:
    """Each word with its size (rem) and one of five size classes, word-0 … word-4 (the
    Content-Security-Policy allows no style attributes)."""
    peak = max((w["count"] for w in words), default=0) or 1
    return [
        {**w, "size": round(0.9 + 1.6 * w["count"] / peak, 2), "step": round(4 * w["count"] / peak)}
        for w in words
    ]
