"""Learned fusion: the retrievers' lists combined by a linear model fitted on labelled queries.

Each candidate (a passage in the dense or the BM25 list) is described by FEATURES: how close in meaning it
is to the query (its cosine and its best answer sentence's, as they are and behind the list's best), its BM25
score against the list's best, its places in the three lists, whether it carries a theme the query names, its
length, and the hand-weighted fusion's score. A logistic regression over them, fitted on the dev splits of both
retrieval evaluation sets (bench/fit_fusion.py writes index/data/fusion.json), scores it. Its score, rescaled to
the hand-weighted fusion's spread, is mixed with that fusion's score, so the later steps of
`index.search.search`, which add fractions of a first-place vote, weigh as before.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

FEATURES = (
    "dense cosine", "dense cosine behind the best", "bm25 over the best", "sentence cosine",
    "sentence cosine behind the best", "dense place", "bm25 place", "sentence place", "names a theme",
    "length", "hand-weighted fusion",
)
PLACE_K = 20  # a place as 1 / (PLACE_K + rank), as in the rank fusion
ABSENT_RANK = 100  # the rank given to a candidate a list does not hold
ABSENT_COSINE_GAP = 0.05  # a candidate the dense list lacks: this much below its last cosine
HAND = FEATURES.index("hand-weighted fusion")


@dataclass(frozen=True)
class FusionModel:
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    unit: float  # a logit in the hand-weighted fusion's units
    mix: float  # the fitted score's share of the final one; the rest is the hand-weighted fusion's
    model: str = ""  # the embedding model whose cosines it was fitted on ("" : any)

    @classmethod
    def from_dict(cls, data: dict) -> FusionModel:
        if tuple(data["features"]) != FEATURES:
            raise ValueError("the fusion model was fitted on other features: run bench/fit_fusion.py --write")
        return cls(np.array(data["mean"]), np.array(data["scale"]), np.array(data["weights"]), float(data["bias"]),
                   float(data["unit"]), float(data["mix"]), str(data.get("model", "")))

    def fits(self, vector_space: str | None) -> bool:
        """Whether vectors of this space ("model|precision", `Embedder.vector_space`; None: not known) give the
        cosines it was fitted on: another model's cosines sit on another scale, so its passages are ranked by the
        hand weights alone."""
        return not self.model or vector_space is None or vector_space.split("|")[0] == self.model

    def score(self, rows: np.ndarray) -> np.ndarray:
        """Scores for rows of FEATURES, in the hand-weighted fusion's units."""
        logits = ((rows - self.mean) / self.scale) @ self.weights + self.bias
        return (1 - self.mix) * rows[:, HAND] + self.mix * self.unit * logits


@cache
def fusion_model() -> FusionModel:
    """The model in index/data/fusion.json (written by bench/fit_fusion.py --write)."""
    return FusionModel.from_dict(json.loads(resources.files("index").joinpath("data/fusion.json").read_text("utf-8")))


def features(
    candidates: list[str], dense: list[tuple[str, float]], lexical: list[tuple[str, float]],
    sentences: list[tuple[str, float]], themed: set[str], lengths: dict[str, int], hand: dict[str, float],
) -> np.ndarray:
    """One row of FEATURES per candidate, in order. `themed`: candidates carrying a theme the query names;
    `lengths`: words in each candidate; `hand`: the hand-weighted fusion's scores."""
    d, lx, s = dict(dense), dict(lexical), dict(sentences)
    d_rank = {pid: i for i, (pid, _) in enumerate(dense)}
    l_rank = {pid: i for i, (pid, _) in enumerate(lexical)}
    s_rank = {pid: i for i, (pid, _) in enumerate(sentences)}
    d_best = max(d.values(), default=1.0)
    d_absent = min(d.values(), default=0.0) - ABSENT_COSINE_GAP
    l_best = max(lx.values(), default=1.0) or 1.0
    s_best = max(s.values(), default=1.0)
    rows = []
    for pid in candidates:
        cosine, sentence = d.get(pid, d_absent), s.get(pid, 0.0)
        rows.append((
            cosine, cosine - d_best, lx.get(pid, 0.0) / l_best, sentence, sentence - s_best,
            1 / (PLACE_K + d_rank.get(pid, ABSENT_RANK)), 1 / (PLACE_K + l_rank.get(pid, ABSENT_RANK)),
            1 / (PLACE_K + s_rank.get(pid, ABSENT_RANK)), float(pid in themed),
            math.log1p(lengths.get(pid, 0)) / 6, hand.get(pid, 0.0),
        ))
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))
