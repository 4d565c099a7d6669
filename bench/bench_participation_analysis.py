"""Participa analysis in pure Python: hexagon bins and Spanish word frequencies over many
contributions, each printed as a ratio to a baseline measured in the same run (just projecting
the points / just splitting the texts). Nothing asserts a time."""

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from metropoli.common.geo import lonlat_to_mercator  # noqa: E402
from metropoli.participation.analysis import hexbins, words  # noqa: E402

WORDS = [
    "faltan",
    "árboles",
    "sombra",
    "banqueta",
    "parada",
    "estación",
    "camión",
    "calor",
    "cruce",
    "peligroso",
    "agua",
    "bebedero",
    "banca",
    "la",
    "de",
    "en",
    "el",
    "y",
    "no",
    "hay",
    "para",
    "que",
    "por",
    "los",
    "una",
    "sin",
    "con",
    "más",
    "muy",
    "calle",
    "camellón",
    "jacaranda",
]


def timed(fn, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main(n: int = 100_000) -> None:
    rng = random.Random(9)
    points = [(-103.35 + rng.uniform(-0.1, 0.1), 20.67 + rng.uniform(-0.1, 0.1)) for _ in range(n)]
    texts = [" ".join(rng.choice(WORDS) for _ in range(25)) for _ in range(n)]

    base_points = timed(lambda: [lonlat_to_mercator(lon, lat) for lon, lat in points])
    bins = timed(lambda: hexbins.hexbin(points, size_m=250))
    base_texts = timed(lambda: [t.lower().split() for t in texts])
    freq = timed(lambda: words.word_frequencies(texts))
    print(f"{n:,} contributions")
    print(f"hexbin 250 m: {bins * 1000:8.1f} ms  = {bins / base_points:5.2f} × projecting only")
    print(f"word counts : {freq * 1000:8.1f} ms  = {freq / base_texts:5.2f} × lower+split only")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
