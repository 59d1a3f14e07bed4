"""BM25 led by the rarer terms against one plain OR-ed FTS5 query, on bench/scale.py's cached stores.

    PYTHONPATH=. python bench/lexical_speed.py --sizes 10000,100000 --rounds 3

For each of bench/scale.py's 20 questions (with the theme phrases `search` adds; filters left out, as
the filtered path ranks with the same function), per size: the time to count the terms (cold: the
catalogue's remembered counts cleared first), one plain `Catalogue.bm25` over every counted term as
before, and `ranked_matches`; the two are timed in turn, in alternating order, as wall and as CPU
time of this process (steadier on a shared machine). Then how many of the plain top 60 the led search
returns. It reads the stores only; a size whose store is not complete is skipped.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.scale import QUERIES, store_complete, store_dir  # noqa: E402
from index.lexical import either, informative_terms, ranked_matches  # noqa: E402
from index.search import CANDIDATES, theme_phrases  # noqa: E402
from kb.catalogue import Catalogue  # noqa: E402


def timed(fn: Callable[..., object], *args: object) -> tuple[float, float]:
    """(wall ms, CPU ms) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn(*args)
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(n: int, rounds: int) -> None:
    catalogue = Catalogue(store_dir(n) / "db" / "catalogue.sqlite3", read_only=True)
    times: dict[str, list[tuple[float, float]]] = {"count terms (cold)": [], "plain bm25": [], "led bm25": []}
    agreement = []
    for r in range(rounds):
        for query, _ in QUERIES:
            extra = theme_phrases(query)
            catalogue._match_counts.clear()  # noqa: SLF001 - time the counting as a first question would
            times["count terms (cold)"].append(timed(informative_terms, catalogue, query, extra))
            terms = informative_terms(catalogue, query, extra)
            runs = {"plain bm25": (catalogue.bm25, either(terms), CANDIDATES),
                    "led bm25": (ranked_matches, catalogue, terms, CANDIDATES)}
            for name in sorted(runs, reverse=r % 2 == 1):
                times[name].append(timed(*runs[name]))
            if r == 0:
                plain = {p for p, _ in catalogue.bm25(either(terms), CANDIDATES)}
                led = {p for p, _ in ranked_matches(catalogue, terms, CANDIDATES)}
                agreement.append(len(plain & led) / max(len(plain), 1))
    print(f"\n{n:,} passages, {rounds} x {len(QUERIES)} questions, load average {os.getloadavg()[0]:.1f}")
    print(f"{'':22} {'wall p50':>9} {'p95':>7} {'CPU p50':>9} {'p95':>7}")
    for name, pairs in times.items():
        wall, cpu = [w for w, _ in pairs], [c for _, c in pairs]
        print(f"{name:22} {pct(wall, .5):9.1f} {pct(wall, .95):7.1f} {pct(cpu, .5):9.1f} {pct(cpu, .95):7.1f}")
    plain_cpu, led_cpu = ([c for _, c in times[k]] for k in ("plain bm25", "led bm25"))
    ratio = [pct(led_cpu, q) / pct(plain_cpu, q) for q in (0.5, 0.95)]
    print(f"led / plain CPU: p50 {ratio[0]:.2f}, p95 {ratio[1]:.2f}")
    print(f"top-{CANDIDATES} agreement with the plain query: mean {statistics.mean(agreement):.3f}, "
          f"min {min(agreement):.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000", help="passage counts, comma-separated (complete stores only)")
    ap.add_argument("--rounds", type=int, default=3, help="passes over the 20 questions")
    args = ap.parse_args()
    for n in (int(s) for s in args.sizes.split(",")):
        if store_complete(n):
            measure(n, args.rounds)
        else:
            print(f"\n{n:,} passages: no complete store (build it with bench/scale.py), skipped")


if __name__ == "__main__":
    main()
