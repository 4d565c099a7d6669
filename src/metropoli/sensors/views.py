"""Pages: the sensors map and registry, one sensor's charts, registering and the setup guide."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.contrib.gis.geos import Point
from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from metropoli.common import exports
from metropoli.common.api import require
from metropoli.common.domain_errors import add_to_form
from metropoli.common.errors import DomainError

from . import selectors, services
from .aqi import CATEGORY_INFO, Category
from .charts import line_chart
from .errors import SensorErrorCode
from .forms import RegisterSensorForm
from .labels import category_label, risk_label
from .models import Sensor

# Refusals shown next to the sensor id field rather than above the form.
ON_SENSOR_ID = {SensorErrorCode.DUPLICATE_SENSOR, SensorErrorCode.INVALID_SENSOR_ID}

QUANTITY_LABELS = {
    "pm2_5": "PM2.5",
    "pm10": "PM10",
    "pm1": "PM1",
}


def quantity_label(quantity: str) -> str:
    labels = {
        "temperature": _("Temperature"),
        "humidity": _("Relative humidity"),
        "pressure": _("Air pressure"),
        "noise_laeq": _("Noise (LAeq)"),
    }
    return QUANTITY_LABELS.get(quantity) or labels.get(quantity, quantity)


def category_context(category: Category | None) -> dict | None:
    if category is None:
        return None
    info = CATEGORY_INFO[category]
    return {
        "code": category.code,
        "label": category_label(category),
        "colour": info.colour.hex,
        "colour_name": _(info.colour.name),
        "risk": risk_label(info.risk),
        "messages": [(_(group.label), _(text)) for group, text in info.messages.items()],
    }


def _sensor_or_404(sensor_id: str) -> Sensor:
    sensor = selectors.sensor_by_id(sensor_id)
    if sensor is None or not sensor.active:
        raise Http404(sensor_id)
    return sensor


def sensor_map(request: HttpRequest):
    now = timezone.now()
    rows = [
        {
            "sensor": s,
            "online": selectors.is_online(s, now),
            "category": category_context(selectors.current_category(s, now)),
        }
        for s in selectors.registry()
    ]
    legend = [category_context(c) for c in Category]
    return render(request, "sensors/map.html", {"rows": rows, "legend": legend})


def detail(request: HttpRequest, sensor_id: str):
    sensor = _sensor_or_404(sensor_id)
    period = request.GET.get("period", "24h")
    if period not in selectors.PERIODS:
        period = "24h"
    now = timezone.now()
    present = set(selectors.quantities_of(sensor, now - selectors.PERIODS[period]))
    charts = []
    for quantity in selectors.CHART_QUANTITIES:
        if quantity not in present:
            continue
        data = selectors.series(sensor, quantity, period, now)
        title = _("%(quantity)s, %(period)s") % {
            "quantity": quantity_label(quantity),
            "period": recent_label(period),
        }
        means = [p.mean for p in data.points]
        charts.append(
            {
                "title": title,
                "svg": mark_safe(line_chart(data, title=title)),  # noqa: S308 - escaped inside
                "unit": data.unit,
                "latest": means[-1] if means else None,
                "low": min(p.minimum for p in data.points) if means else None,
                "high": max(p.maximum for p in data.points) if means else None,
                "points": len(means),
            }
        )
    context = {
        "sensor": sensor,
        "online": selectors.is_online(sensor, now),
        "category": category_context(selectors.current_category(sensor, now)),
        "charts": charts,
        "period": period,
        "periods": [(key, period_label(key)) for key in selectors.PERIODS],
        "can_change": request.user.has_perm("sensors.change_sensor", sensor),
    }
    return render(request, "sensors/detail.html", context)


def recent_label(period: str) -> str:
    return {"24h": _("last 24 hours"), "7d": _("last 7 days"), "30d": _("last 30 days")}[period]


def period_label(period: str) -> str:
    return {"24h": _("24 hours"), "7d": _("7 days"), "30d": _("30 days")}[period]


def _guide(request: HttpRequest, sensor: Sensor, password: str | None) -> dict:
    host, _colon, port = request.get_host().partition(":")
    secure = request.is_secure()
    return {
        "server": host,
        "path": reverse("api:receive_airrohr"),
        "port": port or ("443" if secure else "80"),
        "https": secure,
        "user": sensor.auth_username,
        "password": password,
    }


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest):
    require(request, "sensors.register_sensor")
    form = RegisterSensorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sensor, password = services.register_sensor(
                sensor_id=data["sensor_id"],
                owner=request.user,
                location=Point(data["longitude"], data["latitude"], srid=4326),
                placement=data["placement"],
                model=data["model"],
                name=data["name"],
            )
        except DomainError as error:
            on_id = error.code in {
                SensorErrorCode.DUPLICATE_SENSOR,
                SensorErrorCode.INVALID_SENSOR_ID,
            }
            add_to_form(form, error, "sensor_id" if on_id else None)
        else:
            # Rendered, not redirected: the password is shown on this one response only.
            return render(
                request,
                "sensors/setup.html",
                {"sensor": sensor, "guide": _guide(request, sensor, password), "new": True},
                status=201,
            )
    return render(request, "sensors/register.html", {"form": form})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest, sensor_id: str):
    sensor = _sensor_or_404(sensor_id)
    require(request, "sensors.change_sensor", sensor)
    password = None
    if request.method == "POST":
        password = services.rotate_password(sensor=sensor, actor=request.user)
    return render(
        request,
        "sensors/setup.html",
        {"sensor": sensor, "guide": _guide(request, sensor, password), "new": False},
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def readings_csv(request: HttpRequest, sensor_id: str):
    """Raw readings of the chosen period (24h, 7d or 30d), newest first."""
    sensor = _sensor_or_404(sensor_id)
    period = request.GET.get("period", "7d")
    span = selectors.PERIODS.get(period, timedelta(days=7))
    since = timezone.now() - span
    rows = selectors.readings(
        sensor, quantity=request.GET.get("quantity") or None, since=since
    ).values_list("time", "quantity", "unit", "value", "value_type", "raw")
    writer = exports.csv_writer(_Echo())

    def lines():
        yield writer.writerow(["time", "quantity", "unit", "value", "value_type", "raw"])
        for time, quantity, unit, value, value_type, raw in rows.iterator(chunk_size=2000):
            yield writer.writerow(
                [time.isoformat(), quantity, unit, "" if value is None else value, value_type, raw]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    filename = f"{sensor.sensor_id}-{period}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
