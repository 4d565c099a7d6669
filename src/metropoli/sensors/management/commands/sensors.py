"""`metropoli sensors register ...` and `metropoli sensors downsample ...` for staff."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from metropoli.common.domain_errors import message_of
from metropoli.common.errors import DomainError
from metropoli.sensors import services, tasks
from metropoli.sensors.models import Placement
from metropoli.territory.selectors import municipality_by_code


class Command(BaseCommand):
    help = "Manage DIY air-quality sensors: register one, or downsample old raw readings."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        register = sub.add_parser("register", help="Register a sensor; prints its firmware login.")
        register.add_argument("--sensor-id", required=True, help="X-Sensor, e.g. esp8266-3912953")
        register.add_argument("--municipality", help="INEGI code; default: from the location")
        register.add_argument("--lat", type=float, required=True)
        register.add_argument("--lon", type=float, required=True)
        register.add_argument("--owner", required=True, help="E-mail of the owner's account")
        register.add_argument("--name", default="")
        register.add_argument("--model", default="", help="Hardware, e.g. 'SDS011 + BME280'")
        register.add_argument("--placement", choices=Placement.values, default=Placement.OUTDOOR)
        down = sub.add_parser("downsample", help="Fold old raw readings into hourly aggregates.")
        down.add_argument(
            "--older-than-days",
            type=int,
            default=None,
            help="Default: METROPOLI_SENSORS_RAW_RETENTION_DAYS",
        )
        down.add_argument(
            "--enqueue", action="store_true", help="Queue it for the task worker instead."
        )

    def handle(self, *args, **options):
        if options["action"] == "register":
            self._register(options)
        else:
            self._downsample(options)

    def _register(self, options):
        owner = get_user_model().objects.filter(email__iexact=options["owner"]).first()
        if owner is None:
            raise CommandError(f"No account with the e-mail {options['owner']}.")
        municipality = None
        if options["municipality"]:
            municipality = municipality_by_code(options["municipality"])
            if municipality is None:
                raise CommandError(f"Unknown municipality {options['municipality']}.")
        if not (-90 <= options["lat"] <= 90 and -180 <= options["lon"] <= 180):
            raise CommandError("Latitude must be within ±90 and longitude within ±180.")
        try:
            sensor, password = services.register_sensor(
                sensor_id=options["sensor_id"],
                owner=owner,
                location=Point(options["lon"], options["lat"], srid=4326),
                municipality=municipality,
                placement=options["placement"],
                model=options["model"],
                name=options["name"],
            )
        except DomainError as error:
            raise CommandError(message_of(error)) from error
        self.stdout.write(f"sensor: {sensor.sensor_id} ({sensor.municipality.name})")
        self.stdout.write(f"user: {sensor.auth_username}")
        self.stdout.write(f"password: {password}")
        self.stdout.write(
            "Firmware: Configuration > APIs > Send data to own API; path /api/sensors/airrohr"
        )

    def _downsample(self, options):
        days = options["older_than_days"]
        if days is None:
            days = settings.METROPOLI_SENSORS_RAW_RETENTION_DAYS
        if days < 1:
            raise CommandError("--older-than-days must be at least 1.")
        if options["enqueue"]:
            result = tasks.downsample_expired.enqueue()
            self.stdout.write(f"queued: {result.id}")
            return
        result = services.downsample(older_than=timezone.now() - timedelta(days=days))
        self.stdout.write(
            f"sensors: {result.sensors}, readings folded: {result.aggregated_readings}, "
            f"hourly rows written: {result.hours_written}, posts deleted: {result.deleted_posts}"
        )
