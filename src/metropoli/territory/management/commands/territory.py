"""`metropoli territory <sub-command>`: manage municipalities and their boundaries."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from metropoli.territory import services


class Command(BaseCommand):
    help = "Territory: import official municipal boundaries, list municipalities."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        imp = sub.add_parser(
            "import-boundaries",
            help="Import official boundaries from a shapefile or GeoJSON (INEGI layout).",
        )
        imp.add_argument("file", type=Path)
        imp.add_argument("--layer", help="Layer name when the file holds several.")
        imp.add_argument(
            "--code-field", help="Field with the five-digit INEGI code (default: CVEGEO)."
        )
        imp.add_argument(
            "--srid", type=int, help="EPSG code of the file when it does not declare one."
        )
        sub.add_parser("list", help="List the municipalities and whether they have a boundary.")

    def handle(self, *args, action: str, **options):
        if action == "list":
            from metropoli.territory.models import Municipality

            for m in Municipality.objects.order_by("inegi_code"):
                has = _("boundary") if m.boundary else _("no boundary")
                self.stdout.write(f"{m.inegi_code}  {m.name}  ({has})")
            return
        try:
            report = services.import_boundaries(
                path=options["file"],
                layer_name=options["layer"],
                code_field=options["code_field"],
                source_srid=options["srid"],
            )
        except services.BoundaryImportError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                _("Imported %(count)d boundaries from layer “%(layer)s” (%(srs)s).")
                % {"count": len(report.updated), "layer": report.layer, "srs": report.source_srs}
            )
        )
        if report.ignored_codes:
            self.stdout.write(
                _("%(count)d features belong to municipalities outside the platform.")
                % {"count": len(report.ignored_codes)}
            )
        if report.missing_codes:
            self.stdout.write(
                _("Still without boundary: %(codes)s") % {"codes": ", ".join(report.missing_codes)}
            )
