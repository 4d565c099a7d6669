"""`metropoli trees <sub-command>`: species catalogue, imports, exports, synthetic data."""

import codecs
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from metropoli.common.progress import ProgressBar
from metropoli.territory.selectors import municipality_by_code
from metropoli.trees import exports, filters, inventory, selectors, services, synthetic


class Command(BaseCommand):
    help = "Trees: load the species catalogue, import and export inventories, synthetic data."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        species = sub.add_parser("load-species", help="Load the species catalogue.")
        species.add_argument(
            "--otm-csv",
            type=Path,
            help="OpenTreeMap's species list (otm_species.csv); the local AMG species with "
            "their Spanish names are always loaded.",
        )
        imp = sub.add_parser("import", help="Import trees from a CSV or GeoJSON file.")
        imp.add_argument("file", type=Path)
        imp.add_argument("--municipality", required=True, help="INEGI code, e.g. 14039.")
        imp.add_argument(
            "--partial",
            action="store_true",
            help="Write the valid rows even when others have errors (default: all or nothing).",
        )
        imp.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every row and report, writing nothing (the import page's first step).",
        )
        imp.add_argument(
            "--encoding",
            default="utf-8-sig",
            help="Text encoding of a CSV file, e.g. latin-1 or cp1252 (default: UTF-8).",
        )
        imp.add_argument(
            "--metric",
            action="store_true",
            help="OpenTreeMap files: diameter already in cm and height in m (default: inches, "
            "feet).",
        )
        exp = sub.add_parser("export", help="Export trees (same filters as the API).")
        exp.add_argument("file", type=Path, help="Output file; .geojson or .csv.")
        for name in filters.NAMES:
            exp.add_argument(f"--{name.replace('_', '-')}", dest=f"filter_{name}")
        synth = sub.add_parser("synth", help="Add synthetic trees for benchmarks.")
        synth.add_argument("--count", type=int, required=True)
        synth.add_argument("--seed", type=int, default=42)
        synth.add_argument(
            "--clear", action="store_true", help="Remove earlier synthetic trees first."
        )
        sub.add_parser("rebuild-cells", help="Recount the map's aggregated cells.")
        eco = sub.add_parser(
            "ecobenefits", help="Eco-benefits (15 i-Tree factors) for every row of a CSV file."
        )
        eco.add_argument("--tables", required=True, type=Path, help="i-Tree tables directory.")
        eco.add_argument("--input", required=True, type=Path, help="CSV: region,otm_code,dbh_cm.")
        eco.add_argument("--output", required=True, type=Path, help="CSV to write.")

    def handle(self, *args, action: str, **options):
        handler = getattr(self, "do_" + action.replace("-", "_"))
        handler(**options)

    def do_load_species(self, otm_csv=None, **options):
        if otm_csv is not None and not otm_csv.is_file():
            raise CommandError(_("There is no file %(path)s.") % {"path": otm_csv})
        created, updated = inventory.load_species(otm_csv=otm_csv)
        self.stdout.write(
            self.style.SUCCESS(
                _("Species: %(created)d added, %(updated)d updated.")
                % {"created": created, "updated": updated}
            )
        )

    def do_import(
        self,
        file: Path,
        municipality: str,
        partial: bool,
        metric: bool,
        encoding: str,
        dry_run: bool = False,
        **options,
    ):
        target = municipality_by_code(municipality)
        if target is None:
            raise CommandError(_("There is no municipality %(code)s.") % {"code": municipality})
        if not file.is_file():
            raise CommandError(_("There is no file %(path)s.") % {"path": file})
        try:
            codecs.lookup(encoding)
        except LookupError as error:
            raise CommandError(
                _("Unknown encoding “%(encoding)s”.") % {"encoding": encoding}
            ) from error
        try:
            with ProgressBar(self.stderr, _("Importing")) as progress:
                report = inventory.import_trees(
                    path=file,
                    municipality=target,
                    partial=partial,
                    imperial=not metric,
                    progress=progress,
                    encoding=encoding,
                    dry_run=dry_run,
                )
        except inventory.ImportFileError as error:
            raise CommandError(f"{file.name}: {error}") from error
        for error in report.errors:
            self.stdout.write(str(error))
        if report.error_count and not partial:
            raise CommandError(
                _("%(errors)d errors in %(rows)d rows: nothing was imported. The first: %(first)s")
                % {"errors": report.error_count, "rows": report.rows, "first": report.errors[0]}
            )
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Checked %(rows)d rows: %(errors)d errors; nothing was written.")
                    % {"rows": report.rows, "errors": report.error_count}
                )
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                _("Imported %(imported)d of %(rows)d rows into %(municipality)s.")
                % {"imported": report.imported, "rows": report.rows, "municipality": target.name}
            )
        )

    def do_export(self, file: Path, **options):
        params = {
            name: options[f"filter_{name}"]
            for name in filters.NAMES
            if options.get(f"filter_{name}")
        }
        try:
            chosen = filters.parse(params)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        qs = selectors.trees_for_listing(chosen)
        chunks = (
            exports.geojson_chunks(qs)
            if file.suffix.lower() in (".geojson", ".json")
            else exports.csv_chunks(qs)
        )
        with open(file, "w", encoding="utf-8", newline="") as handle:
            for chunk in chunks:
                handle.write(chunk)
        self.stdout.write(self.style.SUCCESS(_("Exported to %(path)s.") % {"path": file}))

    def do_synth(self, count: int, seed: int, clear: bool, **options):
        if count <= 0:
            raise CommandError(_("--count must be a positive number."))
        if clear:
            removed = synthetic.remove_synthetic()
            self.stdout.write(_("Removed %(count)d synthetic trees.") % {"count": removed})
        try:
            with ProgressBar(self.stderr, _("Synthesising"), unit=" " + _("trees")) as progress:
                synthetic.synthesize(count=count, seed=seed, progress=progress)
        except inventory.ImportFileError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(_("Added %(count)d synthetic trees.") % {"count": count})
        )

    def do_rebuild_cells(self, **options):
        cells = services.rebuild_cells()
        self.stdout.write(self.style.SUCCESS(_("%(count)d map cells counted.") % {"count": cells}))

    def do_ecobenefits(self, tables: Path, input: Path, output: Path, **options):  # noqa: A002
        # Bad input stops with the row named and no output file (run_batch writes atomically).
        from metropoli.trees.ecobenefits import BatchInputError, TableFormatError, run_batch

        try:
            summary = run_batch(tables, input, output)
        except (BatchInputError, TableFormatError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.rows} rows -> {summary.output_path}: {summary.ok} ok, "
                f"{summary.no_itree_code} no_itree_code, {summary.invalid_region} invalid_region"
            )
        )
