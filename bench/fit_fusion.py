"""Fit the learned fusion (index/fusion.py) on the dev splits of both retrieval sets, and report it.

    .venv/bin/python bench/fit_fusion.py [--mix 0.5] [--l2 1.0] [--write]

For every dev query of tests/data/retrieval_real_queries.jsonl and tests/data/retrieval_queries.jsonl, the
candidates the full pipeline fuses (the dense and BM25 lists) are described by index.fusion.FEATURES and
marked relevant when they hold one of the query's labelled quotes. A logistic regression (L2, both classes
weighted equally) is fitted on them. Prints, for the candidates' order alone (before the pipeline's later
steps), Recall@10 and MRR of the hand-weighted fusion and of the fitted one, on the data it was fitted on and
by 5-fold cross-validation over the queries (3 shuffles); --write stores the model in index/data/fusion.json.
The test splits are never read. bench/eval_retrieval.py measures the whole pipeline with the model.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import eval_retrieval as ev  # noqa: E402

OUT = ROOT / "index" / "data" / "fusion.json"
ITERATIONS = 300
STEP = 0.5


@dataclass
class Candidates:
    query: str
    rows: np.ndarray  # one row of index.fusion.FEATURES per candidate
    found: list[set[int]]  # per candidate, the labels (by index) it holds
    labels: int


def candidates_of(which: str) -> list[Candidates]:
    """The dev queries of one set, each with its candidates' features and relevance."""
    from index.scope import Scope
    from index.search import Ranking, candidate_features, first_lists, fused_scores, query_themes, themed_passages
    from kb.query import Filters
    from kb.query import Query as KBQuery

    queries = ev.load_queries("dev", ev.REAL_LABELS if which == "real" else ev.LABELS)
    catalogue, vectors, embedder = ev.build_kb(which)
    ranking = replace(Ranking(), learned=False)
    out = []
    try:
        for q in queries:
            text = KBQuery(q.query, Filters(**q.filters)).clean_text
            scope = Scope.of(Filters(**q.filters), catalogue)
            rankings, weights = first_lists(text, embedder.encode_query(text), scope, catalogue, vectors, ranking, {})
            hand = fused_scores(rankings, weights, ranking)
            texts = {pid: t for pid, (t, _) in catalogue.passage_texts(hand).items()}
            themed = themed_passages(catalogue, hand, set(query_themes(text)))
            pids, rows = candidate_features(rankings, hand, themed, texts)
            wanted = [ev.norm(label["contains"]) for label in q.relevant]
            found = [{i for i, w in enumerate(wanted) if w in ev.norm(texts.get(pid, ""))} for pid in pids]
            out.append(Candidates(q.id, rows, found, len(wanted)))
    finally:
        catalogue.close()
    return out


def measure(data: list[Candidates], score) -> tuple[float, float]:  # noqa: ANN001 - rows -> scores
    """Recall@10 and MRR of the candidates ordered by `score`."""
    recall = reciprocal = 0.0
    for c in data:
        if not len(c.rows):
            continue
        order = np.argsort(-score(c.rows), kind="stable")[:10]
        seen: set[int] = set()
        first = 0
        for rank, i in enumerate(order, 1):
            if c.found[i]:
                first = first or rank
                seen |= c.found[i]
        recall += len(seen) / c.labels
        reciprocal += 1 / first if first else 0.0
    return recall / len(data), reciprocal / len(data)


def fit(data: list[Candidates], l2: float, mix: float) -> dict:
    """Logistic regression on standardised features; the model as index/data/fusion.json holds it."""
    from index.fusion import FEATURES, HAND

    x = np.vstack([c.rows for c in data if len(c.rows)])
    y = np.concatenate([[1.0 if f else 0.0 for f in c.found] for c in data if len(c.rows)])
    mean, scale = x.mean(0), x.std(0) + 1e-9
    z = (x - mean) / scale
    weights, bias = np.zeros(z.shape[1]), 0.0
    balance = np.where(y == 1, 0.5 / y.mean(), 0.5 / (1 - y.mean()))
    for _ in range(ITERATIONS):
        error = (1 / (1 + np.exp(-(z @ weights + bias))) - y) * balance
        weights -= STEP * (z.T @ error / len(y) + l2 * weights / len(y))
        bias -= STEP * float(error.mean())
    logits = z @ weights + bias
    hand = x[:, HAND]
    return {"features": list(FEATURES), "mean": mean.tolist(), "scale": scale.tolist(), "weights": weights.tolist(),
            "bias": bias, "unit": float(hand.std() / logits.std()), "mix": mix, "model": fitted_model()}


def fitted_model() -> str:
    """The embedding model the evaluation knowledge bases use (its cosines are features)."""
    from index.embedder import Embedder

    return Embedder().vector_space.split("|")[0]


def scorer(model: dict):  # noqa: ANN201 - rows -> scores
    from index.fusion import FusionModel

    m = FusionModel.from_dict(model)
    return m.score


def cross_validate(sets: dict[str, list[Candidates]], l2: float, mix: float) -> dict[str, tuple[float, float]]:
    tagged = [(name, c) for name, data in sets.items() for c in data]
    results: dict[str, list[tuple[float, float, int]]] = {name: [] for name in sets}
    rng = random.Random(0)
    for _ in range(3):
        order = list(range(len(tagged)))
        rng.shuffle(order)
        for k in range(5):
            held = set(order[k::5])
            model = fit([c for i, (_, c) in enumerate(tagged) if i not in held], l2, mix)
            for name in sets:
                part = [c for i, (n, c) in enumerate(tagged) if i in held and n == name]
                if part:
                    results[name].append((*measure(part, scorer(model)), len(part)))
    return {name: (sum(r * n for r, _, n in rs) / sum(n for *_, n in rs),
                   sum(m * n for _, m, n in rs) / sum(n for *_, n in rs)) for name, rs in results.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mix", type=float, default=0.5,
                        help="share of the fitted score in the final one (the rest: the hand-weighted fusion)")
    parser.add_argument("--l2", type=float, default=1.0, help="L2 penalty of the logistic regression")
    parser.add_argument("--write", action="store_true", help=f"store the model in {OUT.relative_to(ROOT)}")
    args = parser.parse_args()
    from index.fusion import FEATURES, HAND

    sets = {"real": candidates_of("real"), "current": candidates_of("current")}
    model = fit([c for data in sets.values() for c in data], args.l2, args.mix)
    cv = cross_validate(sets, args.l2, args.mix)
    print(f"candidates' order alone, dev splits (mix {args.mix}, l2 {args.l2}): R@10 / MRR")
    for name, data in sets.items():
        before = measure(data, lambda rows: rows[:, HAND])
        after = measure(data, scorer(model))
        print(f"  {name:<8} {len(data):>3} queries  hand-weighted {before[0]:.3f} / {before[1]:.3f}   "
              f"fitted {after[0]:.3f} / {after[1]:.3f}   5-fold {cv[name][0]:.3f} / {cv[name][1]:.3f}")
    print("weights (standardised features):")
    for name, w in zip(FEATURES, model["weights"], strict=True):
        print(f"  {name:<34} {w:+.3f}")
    if args.write:
        model["fitted_on"] = {name: f"dev split, {len(data)} queries" for name, data in sets.items()}
        OUT.write_text(json.dumps(model, indent=1) + "\n", "utf-8")
        print(f"written {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
