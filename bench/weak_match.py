"""When does `ask` say "No passage matches these words well"? Measured on real and nonsense queries.

Run from the repository root:  .venv/bin/python bench/weak_match.py [--db KB]
Builds a knowledge base of corpus/ and the seeds (../shared/seeds) with the real model in a temporary
folder (or reads --db), then runs every labelled query of tests/data/retrieval_queries.jsonl (real
questions, with their filters) and the nonsense and off-topic queries below through the same search
as `dhr ask`. For each it records the signals reports/answers.py judges on: the first result's fused
(RRF) score, the best passage's cosine similarity, and how many of the query's words occur in the
knowledge base. It prints their distributions for both sets, then the false positives (a real query
called weak) and false negatives (a nonsense query not called weak) of each candidate threshold and
of the thresholds in reports/answers.py.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.eval_retrieval import LABELS, REAL, REAL_LABELS, build_kb, load_queries  # noqa: E402

NONSENSE = [
    "!!!???", "AND OR", "...", "the of and", "asdf qwerty zxcv", "lorem ipsum dolor sit amet",
    "рецепт борща со сметаной", "как пройти в библиотеку", "香蕉面包的做法", "今天天气很好",
    "طريقة عمل الخبز", "purple elephant staircase umbrella", "xylophone quantum marmalade",
    "recipe for banana bread", "football results", "premier league fixtures this weekend",
    "how to change a car tyre", "best hiking boots for winter", "what is the capital of Peru",
    "train times from Leeds to York", "how do I reset my router password", "knitting pattern for a scarf",
    "symptoms of hay fever in dogs", "stock market prices today", "wedding dress shops near me",
]


def signals(stores, text: str, filters) -> object:  # noqa: ANN001
    from index.search import search
    from kb.query import Query
    from reports.answers import RememberingEmbedder, judge_match

    query = Query(text, filters, top=5)
    embedder = RememberingEmbedder(stores.embedder)
    excerpts = search(query, stores.catalogue, stores.vectors, embedder)
    return judge_match(query, stores, excerpts, embedder.query_vec, all_signals=True)


def describe(name: str, values: list[float]) -> str:
    qs = statistics.quantiles(values, n=10) if len(values) > 2 else values
    return (f"  {name:<22} min {min(values):.3f}  p10 {qs[0]:.3f}  median {statistics.median(values):.3f}  "
            f"p90 {qs[-1]:.3f}  max {max(values):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an existing knowledge base of corpus/ and the seeds")
    args = parser.parse_args()
    from index.stores import Stores
    from kb.config import Settings
    from kb.query import Filters
    from reports.answers import NO_WORDS_COSINE, WEAK_COSINE, judge

    def evaluation_kb(which: str) -> Path:  # bench/eval_retrieval.py's knowledge base, built once and cached
        catalogue = build_kb(which)[0]
        catalogue.close()
        return Path(catalogue.path).parent

    sets = [(args.db or evaluation_kb("current"), LABELS)]
    if args.db is None and REAL.is_dir():
        sets.append((evaluation_kb("real"), REAL_LABELS))  # real published text, 181 queries
    real, junk = [], []
    for db, labels in sets:
        stores = Stores.open(Settings.resolve(db=db), read_only=True)
        real += [(q.query, signals(stores, q.query, Filters(**q.filters))) for q in load_queries("all", labels)]
        junk += [(q, signals(stores, q, Filters())) for q in NONSENSE]

    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    print(f"{len(real)} real queries ({', '.join(str(lab.name) for _, lab in sets)}), {len(junk)} nonsense or "
          f"off-topic (the same {len(NONSENSE)} against each knowledge base)\n")
    for label, rows in (("real", real), ("nonsense", junk)):
        print(f"{label}:")
        print(describe("top fused score", [m.top_score for _, m in rows]))
        print(describe("best cosine", [m.cosine for _, m in rows]))
        with_words = sum(m.words_found > 0 for _, m in rows)
        print(f"  {'query words found':<22} in {with_words} of {len(rows)} queries at least one\n")
    print("lowest-cosine real queries:")
    for q, m in sorted(real, key=lambda r: r[1].cosine)[:5]:
        print(f"  {m.cosine:.3f}  words {m.words_found}/{m.words}  {q}")
    print("highest-cosine nonsense queries:")
    for q, m in sorted(junk, key=lambda r: -r[1].cosine)[:5]:
        print(f"  {m.cosine:.3f}  words {m.words_found}/{m.words}  {q}")

    def errors(weak_cos: float, no_words_cos: float) -> tuple[int, int]:
        import reports.answers as a

        saved = a.WEAK_COSINE, a.NO_WORDS_COSINE
        a.WEAK_COSINE, a.NO_WORDS_COSINE = weak_cos, no_words_cos
        try:
            fp = sum(judge(m.top_score, m.cosine, m.words_found, m.words).weak for _, m in real)
            fn = sum(not judge(m.top_score, m.cosine, m.words_found, m.words).weak for _, m in junk)
        finally:
            a.WEAK_COSINE, a.NO_WORDS_COSINE = saved
        return fp, fn

    print("\nthe fused score alone (weak below t):")
    for t in (0.03, 0.04, 0.05, 0.06, 0.07):
        fp = sum(m.top_score < t for _, m in real)
        fn = sum(m.top_score >= t for _, m in junk)
        print(f"  t={t:.2f}: {fp} real called weak, {fn} nonsense not")
    print("\ncosine threshold (and the higher one when no query word is found):")
    for weak_cos in (0.25, 0.27, 0.30, 0.33, 0.35):
        for no_words in sorted({weak_cos, 0.30, 0.36, 0.40}):
            if no_words < weak_cos:
                continue
            fp, fn = errors(weak_cos, no_words)
            print(f"  weak below {weak_cos:.2f}, or below {no_words:.2f} with no word found: "
                  f"{fp} real called weak, {fn} nonsense not")
    fp, fn = errors(WEAK_COSINE, NO_WORDS_COSINE)
    print(f"\nchosen (reports/answers.py): WEAK_COSINE={WEAK_COSINE}, NO_WORDS_COSINE={NO_WORDS_COSINE}: "
          f"{fp} of {len(real)} real queries called weak (false positives), "
          f"{fn} of {len(junk)} nonsense queries not called weak (false negatives)")


if __name__ == "__main__":
    main()
