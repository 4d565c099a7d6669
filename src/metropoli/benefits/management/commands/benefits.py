"""`metropoli benefits recompute [--municipality CODE]`: store every tree's eco-benefits.

`metropoli benefits rebuild`: recount the summary rollups from the stored results.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from metropoli.benefits import data, results
from metropoli.common.progress import ProgressBar
from metropoli.territory.models import Municipality


class Command(BaseCommand):
    help = "Eco-benefits of the tree inventory (i-Tree Streets)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        recompute = sub.add_parser(
            "recompute", help="Compute and store the benefits of every tree, in batches."
        )
        recompute.add_argument("--municipality", help="INEGI code; default: all municipalities")
        recompute.add_argument("--batch-size", type=int, default=results.BATCH_SIZE)
        sub.add_parser(
            "rebuild", help="Recount the summary rollups from the stored results (a repair)."
        )

    def handle(self, *args, **options):
        if options["action"] == "rebuild":
            started = time.perf_counter()
            rows = results.rebuild_rollup()
            took = time.perf_counter() - started
            self.stdout.write(f"{rows} rollup rows recounted ({took:.1f} s).")
            return
        if not data.data_installed():
            raise CommandError(data.install_message())
        municipality = None
        if options["municipality"]:
            municipality = Municipality.objects.filter(inegi_code=options["municipality"]).first()
            if municipality is None:
                raise CommandError(f"Unknown municipality {options['municipality']}.")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        started = time.perf_counter()
        with ProgressBar(self.stderr, "Recomputing", unit=" trees") as progress:
            result = results.recompute_all(
                municipality=municipality,
                batch_size=options["batch_size"],
                progress=lambda done: progress.count(done.trees),
            )
        took = time.perf_counter() - started
        self.stdout.write(
            f"{result.trees} trees in {result.batches} batches, {result.computed} computed "
            f"({took:.1f} s)."
        )
