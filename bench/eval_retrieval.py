"""Retrieval quality on the labelled query set, for BM25 alone, plain vectors alone and the full pipeline.

Run from the repository root:  .venv/bin/python bench/eval_retrieval.py [--split dev|test|all] [--verbose]
The labelled set is tests/data/retrieval_queries.jsonl: each query lists its relevant passages by
a short verbatim snippet (and optionally the file it must come from), so labels survive changes to
how passages are cut. A result is relevant when its text contains a labelled snippet; each label
counts once, however many results contain it (the same text in two documents is one piece of evidence).
Prints Recall@5, Recall@10, MRR and nDCG@10 for each system in one run.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
LABELS = ROOT / "tests" / "data" / "retrieval_queries.jsonl"
SEEDS = ROOT.parent / "shared" / "seeds"


def norm(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


@dataclass
class Query:
    id: str
    query: str
    user: str
    split: str
    relevant: list[dict]
    filters: dict


def load_queries(split: str = "all") -> list[Query]:
    out = []
    for line in LABELS.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if any(r.get("file", "").startswith("seed:") for r in row["relevant"]) and not SEEDS.is_dir():
            continue
        q = Query(row["id"], row["query"], row.get("user", ""), row.get("split", "dev"), row["relevant"],
                  row.get("filters", {}))
        if split == "all" or q.split == split:
            out.append(q)
    return out


def matches(label: dict, text: str, paths: list[str]) -> bool:
    if norm(label["contains"]) not in norm(text):
        return False
    want = label.get("file", "").removeprefix("seed:")
    return not want or any(Path(p).name == Path(want).name for p in paths)


def score(q: Query, results: list) -> dict[str, float]:
    """Recall@5, Recall@10, MRR, nDCG@10 with binary relevance; each label found once."""
    found_at: dict[int, int] = {}
    gains = []
    for rank, r in enumerate(results[:10], 1):
        paths = [s.path for s in r.sources]
        hit = False
        for i, label in enumerate(q.relevant):
            if i not in found_at and matches(label, r.text, paths):
                found_at[i] = rank
                hit = True
        gains.append(1.0 if hit else 0.0)
    n = len(q.relevant)
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(n, 10)))
    first = min(found_at.values()) if found_at else None
    return {
        "R@5": sum(1 for r in found_at.values() if r <= 5) / n,
        "R@10": len(found_at) / n,
        "MRR": 1.0 / first if first else 0.0,
        "nDCG@10": dcg / ideal if ideal else 0.0,
    }


def build_kb(db: Path):
    from index.embedder import Embedder
    from index.vectors import VectorStore
    from ingest.pipeline import Ingestor
    from kb.catalogue import Catalogue
    from kb.config import Settings
    from kb.tagger import ThemeTagger

    settings = Settings.resolve(db=db)
    settings.ensure_dirs()
    catalogue = Catalogue(settings.catalogue_path)
    embedder = Embedder()
    vectors = VectorStore(settings)
    paths = [ROOT / "corpus"] + ([SEEDS] if SEEDS.is_dir() else [])
    report = Ingestor(catalogue, vectors, embedder, ThemeTagger()).run(paths)
    failed = report.failed
    if failed:
        print(f"warning: {len(failed)} file(s) failed to ingest: {[str(f.path) for f in failed]}", file=sys.stderr)
    return catalogue, vectors, embedder


def evaluate(split: str = "all", verbose: bool = False) -> tuple[dict[str, dict[str, float]], int]:
    from index.search import dense_search, lexical_only, search
    from kb.query import Filters, Query

    queries = load_queries(split)
    with tempfile.TemporaryDirectory() as tmp:
        catalogue, vectors, embedder = build_kb(Path(tmp) / "kb")
        systems = {
            "bm25": lambda q, f: lexical_only(Query(q, f, top=10), catalogue),
            "vector": lambda q, f: dense_search(Query(q, f, top=10), catalogue, vectors, embedder),
            "full": lambda q, f: search(Query(q, f, top=10), catalogue, vectors, embedder, highlights=False),
        }
        totals = {name: {"R@5": 0.0, "R@10": 0.0, "MRR": 0.0, "nDCG@10": 0.0} for name in systems}
        for q in queries:
            filters = Filters(**q.filters)
            for name, run in systems.items():
                s = score(q, run(q.query, filters))
                for k, v in s.items():
                    totals[name][k] += v
                if verbose and name == "full" and s["R@10"] < 1:
                    print(f"  miss {q.id} R@10={s['R@10']:.2f} MRR={s['MRR']:.2f}: {q.query}")
        catalogue.close()
    return {name: {k: v / max(len(queries), 1) for k, v in t.items()} for name, t in totals.items()}, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="all", choices=["dev", "test", "all"])
    parser.add_argument("--verbose", action="store_true", help="list the queries the full pipeline misses")
    args = parser.parse_args()
    results, n = evaluate(args.split, args.verbose)
    print(f"Retrieval on {n} labelled queries (split: {args.split})")
    print(f"{'system':<8} {'R@5':>6} {'R@10':>6} {'MRR':>6} {'nDCG@10':>8}")
    for name, m in results.items():
        print(f"{name:<8} {m['R@5']:6.3f} {m['R@10']:6.3f} {m['MRR']:6.3f} {m['nDCG@10']:8.3f}")
    best = max(("bm25", "vector"), key=lambda s: results[s]["R@10"])
    gain = 100 * (results["full"]["R@10"] - results[best]["R@10"])
    mrr_delta = results["full"]["MRR"] - max(results["bm25"]["MRR"], results["vector"]["MRR"])
    print(f"full vs better single baseline ({best}): R@10 {gain:+.1f} points; "
          f"MRR vs best baseline {mrr_delta:+.4f}")


if __name__ == "__main__":
    main()
