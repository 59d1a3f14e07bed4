"""Lexical retrieval at scale: this tree's against an earlier revision's, and against one plain FTS5 query.

    PYTHONPATH=. python bench/lexical_speed.py --sizes 10000,100000 --rounds 3 [--against HEAD~1] [--per-query]

On bench/scale.py's cached stores, for each of its 20 questions (with the theme phrases `search` adds):
counting the terms (cold: the catalogue's remembered counts cleared first), `ranked_matches` for the
top 60 unfiltered, `lexical_search` with the question's filter (counts warm), and one plain
`Catalogue.bm25` over every term. The earlier revision's index/lexical.py and kb/catalogue.py are loaded
from git into the same process, on their own connection, and each step is timed for both in turn, the
order alternating by round, as wall and as CPU time of this process (steadier on a shared machine).
It checks that `ranked_matches` returns the plain query's scores, in order (to 1e-9). `--per-query` prints, per
question, the rows scored: every row any term matches, against the rows the first led search reads.
Reads the stores only; a size whose store is not complete is skipped.

A store whose lexical postings are in step (bench/scale.py writes them) is searched by this tree through
them (index/bm25.py); an earlier revision without them uses FTS5, so `--against` a revision before them
times the one against the other.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scale import QUERIES, store_complete, store_dir  # noqa: E402
from index import bm25, lexical  # noqa: E402
from index.scope import Scope  # noqa: E402
from index.search import CANDIDATES, theme_phrases  # noqa: E402
from kb.catalogue import Catalogue  # noqa: E402
from kb.query import Filters  # noqa: E402


def timed(fn: Callable[..., object], *args: object) -> tuple[float, float]:
    """(wall ms, CPU ms) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn(*args)
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def load_revision(rev: str) -> tuple[ModuleType, ModuleType]:
    """(lexical, catalogue) modules as they were at `rev`, the first importing the second."""
    folder = Path(tempfile.mkdtemp(prefix="lexical-rev-"))
    modules = []
    for name, path in (("catalogue_then", "kb/catalogue.py"), ("lexical_then", "index/lexical.py")):
        source = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, check=True, capture_output=True,
                                text=True).stdout
        source = source.replace("from kb.catalogue import Catalogue", "from catalogue_then import Catalogue")
        (folder / f"{name}.py").write_text(source)
        spec = importlib.util.spec_from_file_location(name, folder / f"{name}.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        modules.append(module)
    return modules[1], modules[0]


def measure(n: int, rounds: int, against: str, per_query: bool) -> None:
    path = store_dir(n) / "db" / "catalogue.sqlite3"
    then_lexical, then_catalogue = load_revision(against)
    ways = {"now": (lexical, Catalogue(path, read_only=True)),
            "then": (then_lexical, then_catalogue.Catalogue(path, read_only=True))}
    steps = ("count terms (cold)", "top 60 unfiltered", "lexical_search, filters", "plain bm25")
    times: dict[tuple[str, str], list[tuple[float, float]]] = {(s, w): [] for s in steps for w in ways}
    exact = 0
    for r in range(rounds):
        for query, flt in QUERIES:
            extra = theme_phrases(query)
            for way in sorted(ways, reverse=r % 2 == 1):
                module, catalogue = ways[way]
                catalogue._match_counts.clear()  # noqa: SLF001 - time the counting as a first question would
                own = bm25.own_index(catalogue) if way == "now" else None
                if own is not None:  # the postings read, likewise
                    own.read.clear()
                    own.counts.clear()
                    own.held = 0
                times["count terms (cold)", way].append(timed(module.informative_terms, catalogue, query, extra))
                terms = module.informative_terms(catalogue, query, extra)
                times["top 60 unfiltered", way].append(timed(module.ranked_matches, catalogue, terms, CANDIDATES))
                scope = Scope.of(Filters(**flt), catalogue)
                times["lexical_search, filters", way].append(
                    timed(module.lexical_search, catalogue, query, scope, CANDIDATES, extra))
                times["plain bm25", way].append(timed(catalogue.bm25, module.either(terms), CANDIDATES))
            if r == 0:
                catalogue = ways["now"][1]
                terms = lexical.informative_terms(catalogue, query, extra)
                plain = catalogue.bm25(lexical.either(terms), CANDIDATES)
                led = lexical.ranked_matches(catalogue, terms, CANDIDATES)
                exact += len(led) == len(plain) and all(math.isclose(a, b, rel_tol=1e-9)
                                                         for (_, a), (_, b) in zip(led, plain, strict=True))
                if per_query:
                    profile(catalogue, query, terms)
    print(f"\n{n:,} passages, {rounds} x {len(QUERIES)} questions, then = {against}, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'':26} {'':5} {'wall p50':>9} {'p95':>7} {'CPU p50':>9} {'p95':>7}")
    for step in steps:
        for way in ways:
            pairs = times[step, way]
            wall, cpu = [w for w, _ in pairs], [c for _, c in pairs]
            print(f"{step:26} {way:5} {pct(wall, .5):9.1f} {pct(wall, .95):7.1f} {pct(cpu, .5):9.1f} "
                  f"{pct(cpu, .95):7.1f}")
    print(f"top-{CANDIDATES} scores equal to the plain query's (to 1e-9; FTS5 adds the terms up in another "
          f"order), in order: {exact} of {len(QUERIES)} questions")


def profile(catalogue: Catalogue, query: str, terms: list[lexical.Term]) -> None:
    """One line per question: its terms, the rows a plain search scores, the rows the first led search
    scores (those holding a term of under COMMON_SHARE of the passages), led searches run, the n-th score."""
    size = catalogue.fts_size()
    rows = catalogue.fts_matches(lexical.either(terms), size)
    leading = [t for t in terms if t.passages < lexical.COMMON_SHARE * size]
    led = catalogue.fts_matches(lexical.either(leading), size) if leading else 0
    searches: list[int] = []
    original = catalogue.bm25_led_by

    def counting(*args: object, **kwargs: object) -> list[tuple[str, float]]:
        searches.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    catalogue.bm25_led_by = counting  # type: ignore[method-assign]
    try:
        found = lexical.ranked_matches(catalogue, terms, CANDIDATES)
    finally:
        del catalogue.bm25_led_by
    print(f"{query[:44]:44} {len(terms):2} terms, {rows:7,} rows match, first lead {led:7,}; "
          f"{len(searches) or 'no'} led search{'es' if len(searches) != 1 else ''}, "
          f"n-th score {found[-1][1] if found else 0:5.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000", help="passage counts, comma-separated (complete stores only)")
    ap.add_argument("--rounds", type=int, default=3, help="passes over the 20 questions")
    ap.add_argument("--against", default="HEAD", help="the git revision to compare with (default HEAD)")
    ap.add_argument("--per-query", action="store_true", help="print each question's rows scored")
    args = ap.parse_args()
    for n in (int(s) for s in args.sizes.split(",")):
        if store_complete(n):
            measure(n, args.rounds, args.against, args.per_query)
        else:
            print(f"\n{n:,} passages: no complete store (build it with bench/scale.py), skipped")


if __name__ == "__main__":
    main()
