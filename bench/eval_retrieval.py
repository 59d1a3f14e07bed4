"""Retrieval quality on two labelled query sets, for BM25 alone, plain vectors alone and the full pipeline.

Run from the repository root:
    .venv/bin/python bench/eval_retrieval.py [--set current|real|both] [--split dev|test|all] [--variants] [--verbose]

* current: tests/data/retrieval_queries.jsonl over corpus/ (our fictional documents) and the seeds.
* real: tests/data/retrieval_real_queries.jsonl over real published text only: the seeds and
  ../shared/real/ (read in place) plus short passages of public DHR, safeguarding-review, national
  DHR analysis and safe-accommodation pages (tests/data/retrieval_real_passages.jsonl, each with its
  source URL), written out as one text file per source page with a .meta.json sidecar.

Each query lists its relevant passages by a short verbatim quote (and the file it must come from),
so labels survive changes to how passages are cut; labels marked "pooled" were added by judging the
pooled top 10 of every system. The pooled passages judged not relevant are kept in
tests/data/retrieval_real_judged.jsonl (file and opening words), so `--pool` can list the pooled
passages nobody has judged yet and report how complete the pool is. A result is relevant when its
text contains a labelled quote; each label counts once. Prints Recall@5, Recall@10, MRR and nDCG@10
per system; `--variants` adds the ranking variants measured for issue 15 (each change alone and together).

The evaluation knowledge bases are built once into bench/.cache/ (gitignored) and reused while the
inputs and the ingest code are unchanged: embedding ../shared/real/ takes minutes on two cores.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
LABELS = ROOT / "tests" / "data" / "retrieval_queries.jsonl"
REAL_LABELS = ROOT / "tests" / "data" / "retrieval_real_queries.jsonl"
REAL_PASSAGES = ROOT / "tests" / "data" / "retrieval_real_passages.jsonl"
REAL_JUDGED = ROOT / "tests" / "data" / "retrieval_real_judged.jsonl"
SEEDS = ROOT.parent / "shared" / "seeds"
REAL = ROOT.parent / "shared" / "real"
CACHE = ROOT / "bench" / ".cache"
STOP = frozenset(
    "a about after all an and any are as at be been by can could did do does for from had has have how i if in into "
    "is it its me more most my no not of on or our out over so than that the their them there these they this those "
    "to up was we were what when where which while who why will with would you your "
    # the frame of a question, not its subject
    "many much often share proportion percentage number there".split()
)


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


def load_queries(split: str = "all", labels: Path = LABELS) -> list[Query]:
    out = []
    for line in labels.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        files = [r.get("file", "") for r in row["relevant"]]
        if any(f.startswith("seed:") for f in files) and not SEEDS.is_dir():
            continue
        if any(f.startswith("real:") for f in files) and not REAL.is_dir():
            continue
        q = Query(row["id"], row["query"], row.get("user", ""), row.get("split", "dev"), row["relevant"],
                  row.get("filters", {}))
        if split == "all" or q.split == split:
            out.append(q)
    return out


def matches(label: dict, text: str, paths: list[str]) -> bool:
    if norm(label["contains"]) not in norm(text):
        return False
    want = label.get("file", "").split(":", 1)[-1]
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


def content_words(text: str) -> set[str]:
    """Crudely stemmed content words, to measure how much a query shares with its passage."""
    return {w[:5] for w in re.findall(r"[a-z0-9]+", norm(text)) if w not in STOP and len(w) > 2}


PARAPHRASE = 0.34  # a paraphrase shares at most a third of its content words with its passage


def overlap(query: str, passage: str) -> float:
    """The share of the query's content words that occur in the passage."""
    words = content_words(query)
    return len(words & content_words(passage)) / len(words) if words else 1.0


def paraphrase_share(queries: list[Query], passage_of: Callable[[dict], str | None],
                     limit: float = PARAPHRASE) -> tuple[int, int]:
    """(paraphrases, queries measured): queries whose content words mostly do not occur in their
    (first) relevant passage, among those whose passage text is at hand."""
    shared = []
    for q in queries:
        passage = passage_of(q.relevant[0])
        if passage is not None and content_words(q.query):
            shared.append(overlap(q.query, passage))
    return sum(s <= limit for s in shared), len(shared)


# --- the pool of judged passages ----------------------------------------------------------------


def opening(text: str, words: int = 8) -> str:
    """A passage's first words: how a judgement names a passage without copying it."""
    return " ".join(norm(text).split()[:words])


def load_judged(path: Path = REAL_JUDGED) -> dict[str, set[tuple[str, str]]]:
    """Query id -> the pooled passages judged not relevant, as (file name, opening words)."""
    if not path.exists():
        return {}
    out: dict[str, set[tuple[str, str]]] = {}
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out[row["id"]] = {(j["file"], j["opening"]) for j in row["not"]}
    return out


def pool_status(queries: list[Query], pool: dict[str, dict[str, tuple[str, str]]],
                judged: dict[str, set[tuple[str, str]]]) -> list[tuple[Query, str, str]]:
    """The pooled passages neither labelled relevant (they hold a quote) nor judged not relevant.

    `pool`: query id -> passage id -> (file name, text), the union of every system's top 10.
    """
    unjudged = []
    for q in queries:
        for file, text in pool.get(q.id, {}).values():
            if any(matches(label, text, [file]) for label in q.relevant):
                continue
            if (file, opening(text)) not in judged.get(q.id, set()):
                unjudged.append((q, file, text))
    return unjudged


# --- the evaluation knowledge bases ----------------------------------------------------------


def real_passages() -> list[dict]:
    return [json.loads(line) for line in REAL_PASSAGES.read_text("utf-8").splitlines() if line.strip()]


def write_web_pages(folder: Path) -> None:
    """One Markdown-ish text file per source page (title, section headings, passages) and its sidecar."""
    folder.mkdir(parents=True, exist_ok=True)
    pages: dict[str, list[dict]] = {}
    for row in real_passages():
        pages.setdefault(row["source"], []).append(row)
    for source, rows in pages.items():
        lines = [f"# {rows[0]['title']}", ""]
        section = None
        for row in rows:
            if row["section"] and row["section"] != section:
                lines += [f"## {row['section']}", ""]
            section = row["section"]
            lines += [row["text"], ""]
        (folder / f"{source}.txt").write_text("\n".join(lines), "utf-8")
        meta = {"title": rows[0]["title"], "body": rows[0]["publisher"], "url": rows[0]["url"]}
        meta.update({k: rows[0][k] for k in ("area", "date") if rows[0][k]})
        (folder / f"{source}.txt.meta.json").write_text(json.dumps(meta, indent=1), "utf-8")


def kb_inputs(which: str) -> list[Path]:
    if which == "current":
        return [ROOT / "corpus"] + ([SEEDS] if SEEDS.is_dir() else [])
    web = CACHE / "real-web"
    write_web_pages(web)
    return [p for p in (SEEDS, REAL) if p.is_dir()] + [web]


def _fingerprint(which: str, paths: list[Path], context: bool) -> str:
    """Changes whenever an input file or the code that turns files into stored vectors changes."""
    from index.embedder import backend_setting

    h = hashlib.sha256(f"{which}:{context}:{backend_setting()}".encode())  # DHR_BACKEND: int8 vectors differ
    for folder in paths:
        for f in sorted(folder.rglob("*") if folder.is_dir() else [folder]):
            if f.is_file():
                h.update(f"{f.name}:{f.stat().st_size}".encode())
    for code in sorted([*(ROOT / "ingest").glob("*.py"), ROOT / "kb" / "sentences.py", ROOT / "kb" / "tagger.py",
                        ROOT / "index" / "embedder.py", ROOT / "index" / "vectors.py"]):
        h.update(code.read_bytes())
    return h.hexdigest()[:12]


def build_kb(which: str = "current", context: bool | None = None):
    """Open the evaluation knowledge base, building it into bench/.cache first when needed.

    `context`: whether passages are embedded with their document title and section heading
    (ingest.pipeline.EMBED_CONTEXT); None keeps the pipeline's default.
    """
    from index.embedder import Embedder
    from index.vectors import VectorStore
    from ingest import pipeline
    from kb.catalogue import Catalogue
    from kb.config import Settings
    from kb.tagger import ThemeTagger

    if context is None:
        context = pipeline.EMBED_CONTEXT
    paths = kb_inputs(which)
    db = CACHE / f"kb-{which}-{_fingerprint(which, paths, context)}"
    settings = Settings.resolve(db=db)
    embedder = Embedder()
    if not (db / "complete").exists():
        shutil.rmtree(db, ignore_errors=True)
        settings.ensure_dirs()
        catalogue = Catalogue(settings.catalogue_path)
        vectors = VectorStore(settings)
        saved, pipeline.EMBED_CONTEXT = pipeline.EMBED_CONTEXT, context
        start = time.perf_counter()
        try:
            report = pipeline.Ingestor(catalogue, vectors, embedder, ThemeTagger()).run(paths)
        finally:
            pipeline.EMBED_CONTEXT = saved
        failed = report.failed
        if failed:
            print(f"warning: {len(failed)} file(s) failed to ingest: {[str(f.path) for f in failed]}", file=sys.stderr)
        print(f"built the {which} evaluation KB in {time.perf_counter() - start:.0f} s "
              f"(load {os.getloadavg()[0]:.2f}) into {db}", file=sys.stderr)
        (db / "complete").write_text("ok")
        return catalogue, vectors, embedder
    return Catalogue(settings.catalogue_path), VectorStore(settings), embedder


# --- systems and scoring ---------------------------------------------------------------------


def systems_for(catalogue, vectors, embedder, variants: bool = False, only: list[str] | None = None
                ) -> dict[str, Callable]:
    from index.search import BASELINE, VARIANTS, Ranking, dense_search, lexical_only, search
    from kb.query import Query as KBQuery

    def full(ranking: Ranking) -> Callable:
        return lambda q, f: search(KBQuery(q, f, top=10), catalogue, vectors, embedder, highlights=False,
                                   ranking=ranking)

    out: dict[str, Callable] = {
        "bm25": lambda q, f: lexical_only(KBQuery(q, f, top=10), catalogue),
        "vector": lambda q, f: dense_search(KBQuery(q, f, top=10), catalogue, vectors, embedder),
        "full": full(Ranking()),
    }
    if variants:
        out["baseline"] = full(BASELINE)
        out.update({name: full(ranking) for name, ranking in VARIANTS.items()})
    if only:
        unknown = sorted(set(only) - set(VARIANTS))
        if unknown:
            raise SystemExit(f"unknown variant(s) {unknown}; index.search.VARIANTS has {sorted(VARIANTS)}")
        out.update({name: full(VARIANTS[name]) for name in only})
    return out


def run_systems(queries: list[Query], systems: dict[str, Callable], verbose: bool = False,
                pool: dict[str, dict[str, tuple[str, str]]] | None = None) -> dict[str, dict[str, float]]:
    from kb.query import Filters

    totals = {name: {"R@5": 0.0, "R@10": 0.0, "MRR": 0.0, "nDCG@10": 0.0} for name in systems}
    for q in queries:
        filters = Filters(**q.filters)
        for name, run in systems.items():
            results = run(q.query, filters)
            s = score(q, results)
            for k, v in s.items():
                totals[name][k] += v
            if pool is not None:
                for r in results[:10]:
                    pool.setdefault(q.id, {})[r.passage_id] = (Path(r.sources[0].path).name, r.text)
            if verbose and name == "full" and s["R@10"] < 1:
                print(f"  miss {q.id} R@10={s['R@10']:.2f} MRR={s['MRR']:.2f}: {q.query}")
    return {name: {k: v / max(len(queries), 1) for k, v in t.items()} for name, t in totals.items()}


def evaluate(split: str = "all", verbose: bool = False, which: str = "current", variants: bool = False,
             context: bool | None = None, pool: dict | None = None, only: list[str] | None = None,
             ) -> tuple[dict[str, dict[str, float]], int]:
    queries = load_queries(split, LABELS if which == "current" else REAL_LABELS)
    catalogue, vectors, embedder = build_kb(which, context)
    try:
        systems = systems_for(catalogue, vectors, embedder, variants, only)
        return run_systems(queries, systems, verbose, pool), len(queries)
    finally:
        catalogue.close()


def web_passage_text(label: dict) -> str | None:
    """The stored passage a web label quotes (None for labels on the seeds or ../shared/real)."""
    if not label.get("file", "").startswith("web:"):
        return None
    want = norm(label["contains"])
    return next((p["text"] for p in real_passages() if want in norm(p["text"])), None)


def write_unjudged(queries: list[Query], pool: dict, out: Path) -> None:
    unjudged = pool_status(queries, pool, load_judged())
    size = sum(len(p) for p in pool.values())
    print(f"pool: {size} passages in the union of every system's top 10; {size - len(unjudged)} judged "
          f"({(size - len(unjudged)) / max(size, 1):.1%}), {len(unjudged)} unjudged, written to {out}")
    with out.open("w", encoding="utf-8") as f:
        for q, file, text in unjudged:
            f.write(json.dumps({"id": q.id, "query": q.query, "file": file, "opening": opening(text),
                                "text": text}, ensure_ascii=False) + "\n")


def print_table(title: str, results: dict[str, dict[str, float]], n: int) -> None:
    print(f"{title} ({n} queries)")
    print(f"{'system':<22} {'R@5':>6} {'R@10':>6} {'MRR':>6} {'nDCG@10':>8}")
    for name, m in results.items():
        print(f"{name:<22} {m['R@5']:6.3f} {m['R@10']:6.3f} {m['MRR']:6.3f} {m['nDCG@10']:8.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="both", choices=["current", "real", "both"])
    parser.add_argument("--split", default="all", choices=["dev", "test", "all"])
    parser.add_argument("--variants", action="store_true", help="also the ranking variants of index.search.VARIANTS")
    parser.add_argument("--variant", action="append", metavar="NAME", dest="only",
                        help="also this one ranking variant of index.search.VARIANTS (repeatable)")
    parser.add_argument("--context", choices=["on", "off"], help="embed passages with title and heading (default: "
                        "as ingest does)")
    parser.add_argument("--verbose", action="store_true", help="list the queries the full pipeline misses")
    parser.add_argument("--pool", metavar="FILE", type=Path,
                        help="real set: pool every system's top 10 (variants included), print how much of the pool is "
                        "judged and write the unjudged passages to FILE (JSON lines) for judging")
    args = parser.parse_args()
    if args.pool:
        args.variants, args.set = True, "real"
    context = None if args.context is None else args.context == "on"
    start = time.perf_counter()
    for which in (["current", "real"] if args.set == "both" else [args.set]):
        pool: dict | None = {} if args.pool else None
        results, n = evaluate(args.split, args.verbose, which, args.variants, context, pool, args.only)
        label = "current set (corpus + seeds)" if which == "current" else "real-text set"
        print_table(f"Retrieval, {label}, split {args.split}", results, n)
        best = max(("bm25", "vector"), key=lambda s: results[s]["R@10"])
        gain = 100 * (results["full"]["R@10"] - results[best]["R@10"])
        print(f"full vs better single baseline ({best}): R@10 {gain:+.1f} points; "
              f"vs bm25 {100 * (results['full']['R@10'] - results['bm25']['R@10']):+.1f} points")
        if which == "real":
            queries = load_queries(args.split, REAL_LABELS)
            para, measured = paraphrase_share(queries, web_passage_text)
            print(f"paraphrases (<= 1/3 of the query's content words in its passage): {para} of {measured} "
                  f"queries on the web passages ({para / max(measured, 1):.0%})")
            if pool is not None:
                write_unjudged(queries, pool, args.pool)
        print()
    print(f"({time.perf_counter() - start:.0f} s, load average {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
