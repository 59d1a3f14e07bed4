"""Ingest and query speed on the sample corpus, against bare model.encode as the baseline.

Run from the repository root:  .venv/bin/python bench/ingest_query.py [PATH ...]
Prints, in one run: ingest throughput (pages/s, passages/s) split into extraction+tagging,
embedding and storing; bare `model.encode` throughput on the same passages and the pipeline's
overhead as a ratio; the cold-process `dhr ask` wall time; warm query latency p50/p95.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUERIES = [
    "missed chances to share information between the GP and the police",
    "no referral was made to MARAC",
    "coercive control and economic abuse",
    "alcohol and mental health of the perpetrator",
    "how much does each partner contribute to the domestic abuse contract",
    "lessons learned about professional curiosity",
    "children present during incidents",
    "risk assessment DASH not completed",
    "recommendations for housing and safe accommodation",
    "victim was isolated during COVID-19 restrictions",
]


def main() -> None:
    from index.embedder import Embedder
    from index.search import dense_search
    from index.vectors import VectorStore
    from ingest.pipeline import Ingestor
    from kb.catalogue import Catalogue
    from kb.config import Settings
    from kb.query import Query
    from kb.tagger import ThemeTagger

    paths = [Path(p) for p in sys.argv[1:]] or [ROOT / "corpus"]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.resolve(db=Path(tmp) / "kb")
        settings.ensure_dirs()
        catalogue = Catalogue(settings.catalogue_path)
        embedder = Embedder()
        embedder.encode(["warm up"])  # model load is reported separately, not counted as ingest
        tagger = ThemeTagger()
        ingestor = Ingestor(catalogue, VectorStore(settings), embedder, tagger)

        # A first ingest into a scratch store warms every code path; the second, timed, is compared
        # with a bare encode of the same texts, so neither side pays one-off start-up costs.
        scratch = Settings.resolve(db=Path(tmp) / "scratch")
        scratch.ensure_dirs()
        Ingestor(Catalogue(scratch.catalogue_path), VectorStore(scratch), embedder, tagger).run(paths)

        start = time.perf_counter()
        report = ingestor.run(paths)
        wall = time.perf_counter() - start
        t = report.timings
        print(f"Corpus: {', '.join(map(str, paths))}")
        print(f"  files {len(report.results)} ({report.counts()}), pages {t.pages}, passages {t.passages}, "
              f"embedded {t.embedded} passages + {t.sentences_embedded} answer sentences (stored for highlights)")
        print(f"  model load (once per process): {embedder.load_seconds:.2f} s")
        print(f"Ingest wall time: {wall:.2f} s  ->  {t.pages / wall:.1f} pages/s, {t.passages / wall:.1f} passages/s")
        for name, secs in (("extraction+tagging", t.extract_tag), ("embedding", t.embed), ("storing", t.store)):
            print(f"  {name:<20} {secs:6.2f} s  ({100 * secs / wall:4.1f}%)  "
                  f"{t.passages / secs if secs else float('inf'):8.1f} passages/s")

        texts = catalogue.all_passage_texts()
        start = time.perf_counter()
        embedder.encode(texts)
        bare = time.perf_counter() - start
        print(f"Baseline: bare model.encode of the same {len(texts)} passages: {bare:.2f} s "
              f"= {len(texts) / bare:.1f} passages/s")
        print(f"  pipeline overhead: ingest wall / bare encode = {wall / bare:.2f}x; "
              f"embedding stage / bare encode = {t.embed / bare:.2f}x (the stage also embeds the answer sentences, "
              f"so that a query's highlights need no model call)")

        vectors = VectorStore(settings)
        latencies = []
        for _ in range(3):
            for q in QUERIES:
                start = time.perf_counter()
                dense_search(Query(q), catalogue, vectors, embedder)
                latencies.append((time.perf_counter() - start) * 1000)
        latencies.sort()
        p95 = latencies[int(0.95 * (len(latencies) - 1))]
        print(f"Warm query latency over {len(latencies)} queries: p50 {statistics.median(latencies):.1f} ms, "
              f"p95 {p95:.1f} ms")

        dhr = ROOT / ".venv" / "bin" / "dhr"
        cmd = [str(dhr) if dhr.exists() else "dhr", "ask", QUERIES[0], "--db", str(settings.db), "--json"]
        colds = []
        for _ in range(2):
            start = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, env={**os.environ, "DHR_DB": str(settings.db)})
            colds.append(time.perf_counter() - start)
        help_start = time.perf_counter()
        subprocess.run([cmd[0], "docs", "--db", str(settings.db)], check=True, capture_output=True)
        docs_time = time.perf_counter() - help_start
        print(f"Cold-process `dhr ask`: {min(colds):.2f} s (best of {len(colds)}); "
              f"`dhr docs` (no model, no Chroma): {docs_time:.2f} s; ratio {min(colds) / docs_time:.1f}x")


if __name__ == "__main__":
    main()
