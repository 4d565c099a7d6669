"""Pages of the sensor archive (sensors/archive.py): the days, a day's files, a file, and a zip
of a date range."""

from __future__ import annotations

from datetime import UTC, date, timedelta

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import archive, selectors
from .models import Sensor


def _today() -> date:
    return timezone.now().astimezone(UTC).date()


def _kept_days() -> list[date]:
    """Newest first: the days whose raw readings are still kept."""
    today = _today()
    return [today - timedelta(days=n) for n in range(settings.METROPOLI_SENSORS_RAW_RETENTION_DAYS)]


class BulkForm(forms.Form):
    desde = forms.DateField(label=gettext_lazy("From (UTC day)"))
    hasta = forms.DateField(label=gettext_lazy("To (UTC day, included)"))
    sensor = forms.CharField(
        label=gettext_lazy("Sensor id (empty: every sensor)"), required=False, max_length=64
    )

    def clean_sensor(self) -> Sensor | None:
        sensor_id = self.cleaned_data["sensor"].strip()
        if not sensor_id:
            return None
        sensor = selectors.sensor_by_id(sensor_id)
        if sensor is None or not sensor.active:
            raise forms.ValidationError(
                _("There is no sensor %(sensor_id)s.") % {"sensor_id": sensor_id}
            )
        return sensor

    def clean(self):
        data = super().clean()
        first, last = data.get("desde"), data.get("hasta")
        if first and last:
            if last < first:
                raise forms.ValidationError(_("The last day comes before the first."))
            if (last - first).days + 1 > archive.MAX_BULK_DAYS:
                raise forms.ValidationError(
                    _("A download covers at most %(days)s days.") % {"days": archive.MAX_BULK_DAYS}
                )
        return data


def archive_index(request: HttpRequest):
    form = BulkForm(request.GET or None)
    if request.GET and form.is_valid():
        return _bulk(form.cleaned_data)
    return render(
        request,
        "sensors/archive.html",
        {"days": _kept_days(), "form": form, "max_days": archive.MAX_BULK_DAYS},
        status=400 if request.GET else 200,
    )


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Http404(_("There is no such day.")) from None


def archive_day(request: HttpRequest, day: str):
    when = _day(day)
    if when > _today():
        raise Http404(_("There is no such day."))
    files = archive.files_of_day(when)
    return render(request, "sensors/archive_day.html", {"day": when, "files": files})


def archive_file(request: HttpRequest, day: str, name: str):
    file = archive.find_file(name)
    if file is None or file.day != _day(day) or not archive.has_readings(file):
        raise Http404(_("There is no such file."))
    response = StreamingHttpResponse(
        (line.encode() for line in archive.csv_lines(file)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{file.name}"'
    return response


def _bulk(data: dict) -> StreamingHttpResponse:
    sensors = [data["sensor"]] if data["sensor"] else None
    days = archive.days(data["desde"], data["hasta"])
    files = (file for day in days for file in archive.files_of_day(day, sensors=sensors))
    response = StreamingHttpResponse(archive.zip_stream(files), content_type="application/zip")
    who = data["sensor"].sensor_id if data["sensor"] else "todos"
    name = f"sensores-{who}-{data['desde'].isoformat()}-{data['hasta'].isoformat()}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
