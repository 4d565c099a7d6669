"""Treender's queue as it grows: the next card and the dashboard on PostGIS.

Starts its own throw-away PostgreSQL + PostGIS cluster, migrates, and loads citizen records in
Guadalajara in two sizes. In each, a fifth of the records already carry the reviewer's vote and
a third are decided. Prints the p50 of `next_card` (oldest undecided, not own, not voted, not
escalated) and of the dashboard, next to a baseline measured in the same run: the plain
"oldest tree" query on the same table. The ratios should stay flat as the table grows.

    .venv/bin/python bench/bench_validation.py [--sizes 2000,40000] [--repeat 30]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from harness import app_env, metropoli, postgis_cluster  # noqa: E402


def p50(call, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def load(size: int):
    from django.contrib.gis.geos import Point
    from django.utils import timezone

    from metropoli.accounts.models import User
    from metropoli.territory.models import Municipality, Role, RoleAssignment
    from metropoli.trees.models import PlantingSite, Tree
    from metropoli.validation.models import Decision, Vote

    Tree.objects.all().delete()
    PlantingSite.objects.all().delete()
    guadalajara = Municipality.objects.get(inegi_code="14039")
    recorder, _ = User.objects.get_or_create(
        email="registra@bench.mx", defaults={"display_name": "Registra"}
    )
    reviewer, _ = User.objects.get_or_create(
        email="revisa@bench.mx", defaults={"display_name": "Revisa"}
    )
    RoleAssignment.objects.get_or_create(
        user=reviewer, role=Role.CERTIFIED_EXPERT, municipality=guadalajara
    )
    rng = random.Random(5)
    now = timezone.now()
    for start in range(0, size, 5000):
        count = min(5000, size - start)
        sites = PlantingSite.objects.bulk_create(
            PlantingSite(
                location=Point(
                    -103.35 + rng.uniform(-0.05, 0.05), 20.67 + rng.uniform(-0.05, 0.05), srid=4326
                ),
                municipality=guadalajara,
            )
            for _ in range(count)
        )
        trees = Tree.objects.bulk_create(
            Tree(site=site, recorded_by=recorder, recorded_at=now - timedelta(minutes=start + i))
            for i, site in enumerate(sites)
        )
        Vote.objects.bulk_create(
            Vote(tree=tree, voter=reviewer, kind="confirm", weight=0.75)
            for tree in trees
            if rng.random() < 0.2
        )
        Decision.objects.bulk_create(
            Decision(tree=tree, outcome="validated", rule="arborist")
            for tree in trees
            if rng.random() < 0.33
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after a load of this size
    return reviewer, guadalajara


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="2000,40000")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with postgis_cluster("validation") as url:
        env = app_env(url)
        metropoli(env, "migrate", "--no-input", "-v", "0")
        os.environ.update(env)
        import django

        django.setup()
        from metropoli.territory.services import ensure_amg_municipalities
        from metropoli.trees.models import Tree
        from metropoli.validation import selectors

        ensure_amg_municipalities()
        print(f"{'records':>8} {'baseline ms':>12} {'next_card ms':>13} {'ratio':>6} "
              f"{'dashboard ms':>13} {'ratio':>6}")  # fmt: skip
        for size in (int(s) for s in args.sizes.split(",")):
            reviewer, guadalajara = load(size)
            base = p50(lambda: Tree.objects.order_by("recorded_at", "pk").first(), args.repeat)
            card = p50(lambda r=reviewer: selectors.next_card(r), args.repeat)
            board = p50(lambda g=guadalajara: selectors.dashboard(g), max(3, args.repeat // 10))
            print(f"{size:>8} {base:>12.2f} {card:>13.2f} {card / base:>6.1f} "
                  f"{board:>13.1f} {board / base:>6.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
