"""Benchmark: vectorised eco-benefit engine vs. the plain per-tree loop.

Usage::

    python bench/bench_eco_engine.py --tables DIR [--n 1000000] [--loop-n 100000] [--seed 1]

Builds N synthetic trees from the real tables (species drawn from species.json per region, DBH
uniform over 0..150 cm so that all three interpolation regimes occur, plus about 1 % unmapped
species and 0.5 % unknown regions), then times:

* the vectorised engine on all N trees (best of --repeat runs) through its fast path: regions and
  species as integer ids of a prepared index (``index_of``, done once, timed separately), the way
  the platform calls it; the string path (``compute``) is timed too, for comparison;
* the per-tree loop, on all N trees when N <= --loop-n, otherwise on the first --loop-n trees
  with the time scaled linearly to N (the loop is O(N) with no warm-up effects worth modelling).

Targets: vectorised < 2 s for 1,000,000 trees and >= 50x faster than the loop.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from metropoli.trees.ecobenefits import (  # noqa: E402
    compute,
    compute_ids,
    compute_loop,
    index_of,
    load_tables,
)


def synthetic_trees(tables, n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    pairs = [(r, code) for r in tables.regions for code in sorted(tables.species_map[r])]
    pick = rng.integers(0, len(pairs), size=n)
    regions = np.array([p[0] for p in pairs], dtype=str)[pick]
    codes = np.array([p[1] for p in pairs], dtype=str)[pick]
    unmapped = rng.random(n) < 0.01
    codes[unmapped] = "NOSUCHSP"
    bad_region = rng.random(n) < 0.005
    regions[bad_region] = "GdlMexXXX"
    dbh = rng.uniform(0.0, 150.0, size=n)
    return regions, codes, dbh


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", required=True, type=Path, help="i-Tree tables directory")
    parser.add_argument("--n", type=int, default=1_000_000, help="number of trees")
    parser.add_argument(
        "--loop-n", type=int, default=100_000, help="largest N the loop runs in full"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of the vectorised engine")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    tables = load_tables(args.tables)
    load_s = time.perf_counter() - t0
    regions, codes, dbh = synthetic_trees(tables, args.n, args.seed)
    print(f"tables loaded in {load_s:.3f} s ({len(tables.curve_index)} curves)")
    print(f"trees: {args.n:,}")

    t0 = time.perf_counter()
    region_ids = index_of(tables.region_keys, regions)
    species_ids = index_of(tables.species_keys, codes)
    index_s = time.perf_counter() - t0
    print(f"index prepared in {index_s:.3f} s (string -> integer id, once per data set)")

    vector_times = []
    result = None
    for _ in range(max(1, args.repeat)):
        t0 = time.perf_counter()
        result = compute_ids(tables, region_ids, species_ids, dbh)
        vector_times.append(time.perf_counter() - t0)
    assert result is not None
    vector_s = min(vector_times)
    print(
        f"vectorised (ids): {vector_s:.3f} s (best of {len(vector_times)}; "
        f"all: {', '.join(f'{t:.3f}' for t in vector_times)}) statuses {result.counts()}"
    )
    string_times = []
    for _ in range(max(1, args.repeat)):
        t0 = time.perf_counter()
        by_string = compute(tables, regions, codes, dbh)
        string_times.append(time.perf_counter() - t0)
    assert np.array_equal(by_string.values, result.values, equal_nan=True)
    print(f"vectorised (strings): {min(string_times):.3f} s (best of {len(string_times)})")

    loop_n = min(args.n, args.loop_n)
    # Plain Python lists: the loop is not made to pay for numpy scalar boxing.
    loop_regions = regions[:loop_n].tolist()
    loop_codes = codes[:loop_n].tolist()
    loop_dbh = dbh[:loop_n].tolist()
    t0 = time.perf_counter()
    trees = compute_loop(tables, loop_regions, loop_codes, loop_dbh)
    loop_measured = time.perf_counter() - t0
    if loop_n == args.n:
        loop_s = loop_measured
        print(f"per-tree loop: {loop_s:.3f} s (measured on all {args.n:,} trees)")
    else:
        loop_s = loop_measured * args.n / loop_n
        print(
            f"per-tree loop: {loop_s:.3f} s (measured {loop_measured:.3f} s on a subsample of "
            f"{loop_n:,} trees, scaled linearly to {args.n:,})"
        )

    # Sanity: both implementations agree on the trees the loop computed.
    labels = result.status_labels()[:loop_n]
    assert [t.status for t in trees] == labels.tolist()
    ok_rows = [i for i, t in enumerate(trees) if t.values is not None]
    loop_values = np.array([list(trees[i].values.values()) for i in ok_rows])  # type: ignore[union-attr]
    assert np.array_equal(loop_values, result.values[:, ok_rows].T)

    ratio = loop_s / vector_s
    print(f"speed-up (ids): {ratio:.1f}x; strings: {loop_s / min(string_times):.1f}x")
    per_million = vector_s * 1_000_000 / args.n
    print(
        f"targets: < 2 s per 1,000,000 trees -> {per_million:.3f} s "
        f"[{'met' if per_million < 2 else 'MISSED'}]; >= 50x -> {ratio:.1f}x "
        f"[{'met' if ratio >= 50 else 'MISSED'}]"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
