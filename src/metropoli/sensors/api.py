"""Sensors API: the firmware's ingestion endpoints and public reads of readings and series.

The ingestion endpoints take no cookies and no CSRF token (the firmware has neither); they are
authenticated by the HTTP Basic user and password registered for each sensor (`SensorAuth`,
ninja's `HttpBasicAuth`; the platform's other edge pieces are in common/api.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.security import HttpBasicAuth
from pydantic import field_validator

from metropoli.common.error_schema import ErrorOut
from metropoli.common.errors import ApiError
from metropoli.common.i18n import gettext_noop

from . import selectors, services
from .models import Sensor
from .payloads.decoding import MAX_BODY_BYTES
from .payloads.errors import ErrorCode, PayloadError

router = Router(tags=["sensors"])

REALM = 'Basic realm="Metropoli sensors", charset="UTF-8"'
JSON_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


def _refused(status: int, code: str, message: str) -> ApiError:
    error = ApiError(status, code, message)
    if status == 401:
        error.headers = {"WWW-Authenticate": REALM}  # config/api.py sends it with the answer
    return error


class SensorAuth(HttpBasicAuth):
    """The user and password registered for the sensor (HTTP Basic; ninja reads the header).

    The sensor is named first (`X-Sensor` header, or the path's `sensor_id`): a missing one is
    400, an unknown or inactive one 403; then no or unreadable credentials are 401 and wrong
    ones 401 `invalid_credentials`, both with the `WWW-Authenticate` challenge.
    """

    def __init__(self, *, from_path: bool = False) -> None:
        self.from_path = from_path
        super().__init__()

    def _sensor(self, request: HttpRequest) -> Sensor:
        if self.from_path:
            match = request.resolver_match
            sensor_id = match.kwargs.get("sensor_id") if match is not None else None
        else:
            sensor_id = request.headers.get("X-Sensor")
        if not sensor_id:
            raise ApiError(400, "missing_sensor", _("The X-Sensor header is missing."))
        sensor = selectors.sensor_for_ingest(sensor_id)
        if sensor is None or not sensor.active:
            raise ApiError(
                403,
                "unknown_sensor",
                _("The sensor %(sensor_id)s is not registered here.")
                % {"sensor_id": sensor_id[:64]},
            )
        return sensor

    def __call__(self, request: HttpRequest) -> Sensor:
        request._metropoli_sensor = self._sensor(request)  # type: ignore[attr-defined]
        sensor = super().__call__(request)
        if sensor is None:  # no Authorization header, or not readable as HTTP Basic
            raise _refused(
                401,
                "not_authenticated",
                _("Send the user and password registered for this sensor (HTTP Basic)."),
            )
        return sensor

    def authenticate(self, request: HttpRequest, username: str, password: str) -> Sensor:
        sensor = request._metropoli_sensor  # type: ignore[attr-defined]
        if not services.check_credentials(sensor, username, password):
            raise _refused(401, "invalid_credentials", _("Wrong user or password for this sensor."))
        return sensor


def _body(request: HttpRequest) -> bytes:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        # Refused before reading: a huge body never reaches memory.
        raise PayloadError(
            ErrorCode.PAYLOAD_TOO_LARGE,
            gettext_noop("The request body exceeds the maximum of %(limit)s bytes."),
            limit=MAX_BODY_BYTES,
        )
    return request.read(MAX_BODY_BYTES + 1)


class IngestOut(Schema):
    post_id: int
    received_at: datetime
    readings: int = Field(description="Values stored from this post (0 for a duplicate).")
    duplicate: bool = Field(
        description="True when the same body was already accepted from this sensor a few "
        "minutes ago; it is not stored again."
    )


def _ingest_response(result: services.IngestResult):
    out = IngestOut(
        post_id=result.post.pk,
        received_at=result.post.received_at,
        readings=result.readings,
        duplicate=not result.created,
    )
    return (201 if result.created else 200), out


@router.post(
    "/airrohr",
    auth=SensorAuth(),
    response={
        200: IngestOut,
        201: IngestOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        413: ErrorOut,
    },
    summary="Receive a post from the airRohr firmware (“Send data to own API”)",
    openapi_extra=JSON_BODY,
)
def receive_airrohr(request):
    """Exactly what the firmware sends: headers X-Sensor and X-MAC-ID, HTTP Basic auth, and a
    JSON body ``{"esp8266id", "software_version", "sensordatavalues": [...]}``."""
    sensor = request.auth
    # A refused body is a PayloadError (a DomainError): config/api.py answers it.
    result = services.ingest_airrohr(sensor=sensor, headers=request.headers, body=_body(request))
    return _ingest_response(result)


@router.post(
    "/{sensor_id}/opensensemap",
    auth=SensorAuth(from_path=True),
    response={
        200: IngestOut,
        201: IngestOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        413: ErrorOut,
    },
    summary="Receive an openSenseMap JSON-array upload",
    openapi_extra=JSON_BODY,
)
def receive_opensensemap(request, sensor_id: str):
    """``[{"sensor": "<24 hex>", "value": "12.3", "createdAt": "..."}]``; the sensor ids are
    mapped to quantities in the sensor's registration; unmapped ids are kept as unknown."""
    sensor = request.auth
    result = services.ingest_opensensemap(sensor=sensor, body=_body(request))
    return _ingest_response(result)


def _sensor_or_404(sensor_id: str) -> Sensor:
    sensor = selectors.sensor_by_id(sensor_id)
    if sensor is None or not sensor.active:
        raise ApiError(
            404,
            "unknown_sensor",
            _("There is no sensor %(sensor_id)s.") % {"sensor_id": sensor_id[:64]},
        )
    return sensor


class SensorOut(Schema):
    sensor_id: str = Field(examples=["esp8266-3912953"])
    name: str
    model: str
    municipality: str = Field(description="INEGI code.")
    location: list[float] = Field(description="[lon, lat].")
    placement: str
    online: bool = Field(description="Reported within the last 10 minutes.")
    last_post_at: datetime | None
    index_category: str | None = Field(
        description="Índice AIRE Y SALUD category of the last complete hour "
        "(good, acceptable, bad, very_bad, extremely_bad), null without a valid value."
    )

    @staticmethod
    def from_model(sensor: Sensor, now: datetime) -> SensorOut:
        category = selectors.current_category(sensor, now)
        return SensorOut(
            sensor_id=sensor.sensor_id,
            name=sensor.name,
            model=sensor.model,
            municipality=sensor.municipality.inegi_code,
            location=[sensor.location.x, sensor.location.y],
            placement=sensor.placement,
            online=selectors.is_online(sensor, now),
            last_post_at=sensor.last_post_at,
            index_category=category.code if category else None,
        )


@router.get("/", response=list[SensorOut], summary="Registered sensors")
def list_sensors(request):
    now = timezone.now()
    return [SensorOut.from_model(s, now) for s in selectors.registry()]


class ReadingOut(Schema):
    time: datetime
    quantity: str = Field(examples=["pm2_5"])
    unit: str = Field(examples=["µg/m³"])
    value: float | None
    value_type: str = Field(description="As the firmware named it.", examples=["SDS_P2"])
    raw: str = Field(description="The value exactly as sent.")


class ReadingsOut(Schema):
    sensor_id: str
    items: list[ReadingOut]
    next_offset: int | None = Field(
        description="Pass as offset for the next page; null at the end."
    )


class ReadingsQuery(Schema):
    # No `examples` on query parameters: OpenAPI wants a map there, ninja would emit a list.
    quantity: str | None = Field(None, max_length=80, description="For example pm2_5.")
    since: datetime | None = Field(None, description="Inclusive, ISO 8601.")
    until: datetime | None = Field(None, description="Exclusive, ISO 8601.")
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=100_000)

    @field_validator("since", "until")
    @classmethod
    def in_utc(cls, moment: datetime | None) -> datetime | None:
        """In UTC: PostgreSQL refuses offsets past ±15:59 that Python reads (-21:03 was a
        500); a moment with no UTC equivalent (year 1 at +01:00) is refused as invalid."""
        if moment is None:
            return None
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        try:
            return moment.astimezone(UTC)
        except OverflowError as exc:
            raise ValueError("out of range") from exc


@router.get(
    "/{sensor_id}/readings",
    response={200: ReadingsOut, 400: ErrorOut, 404: ErrorOut},
    summary="Raw readings of one sensor, newest first",
)
def list_readings(request, sensor_id: str, filters: Query[ReadingsQuery]):
    sensor = _sensor_or_404(sensor_id)
    since, until = filters.since, filters.until
    if since and until and since >= until:
        raise ApiError(400, "invalid_range", _("“since” must be earlier than “until”."))
    qs = selectors.readings(sensor, quantity=filters.quantity, since=since, until=until)
    page = list(qs[filters.offset : filters.offset + filters.limit + 1])
    more = len(page) > filters.limit
    return ReadingsOut(
        sensor_id=sensor.sensor_id,
        items=[
            ReadingOut(
                time=r.time,
                quantity=r.quantity,
                unit=r.unit,
                value=r.value,
                value_type=r.value_type,
                raw=r.raw,
            )
            for r in page[: filters.limit]
        ],
        next_offset=filters.offset + filters.limit if more else None,
    )


class PointOut(Schema):
    t: datetime = Field(description="Start of the bucket.")
    mean: float
    min: float
    max: float
    count: int


class SeriesOut(Schema):
    sensor_id: str
    quantity: str
    unit: str
    period: str
    bucket_seconds: int
    points: list[PointOut] = Field(description=f"At most {selectors.MAX_POINTS + 1} points.")


class SeriesQuery(Schema):
    quantity: str = Field(max_length=80, description="For example pm2_5.")
    period: str = Field("24h", pattern="^(24h|7d|30d)$")


@router.get(
    "/{sensor_id}/series",
    response={200: SeriesOut, 400: ErrorOut, 404: ErrorOut},
    summary="Downsampled series of one quantity for charts (24 h, 7 days or 30 days)",
)
def get_series(request, sensor_id: str, filters: Query[SeriesQuery]):
    sensor = _sensor_or_404(sensor_id)
    data = selectors.series(sensor, filters.quantity, filters.period)
    return SeriesOut(
        sensor_id=sensor.sensor_id,
        quantity=data.quantity,
        unit=data.unit,
        period=data.period,
        bucket_seconds=data.bucket_seconds,
        points=[
            PointOut(t=p.start, mean=p.mean, min=p.minimum, max=p.maximum, count=p.count)
            for p in data.points
        ],
    )


__all__ = ["router"]
