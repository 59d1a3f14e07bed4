"""Highlights: the sentence(s) of each result that best answer the query, quoted verbatim.

Each passage's answer sentences are embedded once, at ingest, and kept in the catalogue as int8
vectors (one scale per sentence), so at query time a highlight is a dot product rather than a
model call. Embedding ~30 sentences per query cost about 200 ms on two CPU cores; a lookup costs
about 1 ms. A passage stored before sentence vectors existed (or whose sentence split no longer
matches) is embedded on the fly, as before.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from kb.models import Excerpt
from kb.sentences import answer_sentences, unpack

if TYPE_CHECKING:
    from index.embedder import Embedder

CLOSE_SECOND = 0.05  # a second sentence is highlighted too when it is this close to the best


def add_highlights(
    excerpts: list[Excerpt],
    query_vec: np.ndarray,
    embedder: Embedder,
    stored: dict[str, bytes] | None = None,
    max_each: int = 2,
) -> list[Excerpt]:
    """For each excerpt, the sentence(s) closest in meaning to the query.

    `stored` maps passage ids to their packed sentence vectors; sentences without one are embedded now.
    """
    stored = stored or {}
    dim = int(query_vec.shape[0])
    scored: dict[int, list[tuple[float, str]]] = defaultdict(list)
    to_encode: list[tuple[int, str]] = []
    for i, ex in enumerate(excerpts):
        sentences = answer_sentences(ex.text)
        blob = stored.get(ex.passage_id)
        vectors = unpack(blob, dim) if blob else None
        if vectors is not None and len(vectors) == len(sentences):
            scored[i] = [(float(sim), s) for s, sim in zip(sentences, vectors @ query_vec, strict=True)]
        else:
            to_encode += [(i, s) for s in sentences]
    if to_encode:
        sims = embedder.encode([s for _, s in to_encode]) @ query_vec
        for (i, sentence), sim in zip(to_encode, sims, strict=True):
            scored[i].append((float(sim), sentence))
    out = []
    for i, ex in enumerate(excerpts):
        ranked = sorted(scored.get(i, []), reverse=True)
        if not ranked:
            out.append(ex)
            continue
        best = ranked[0][0]
        picked = [s for sim, s in ranked[:max_each] if sim >= best - CLOSE_SECOND]
        picked.sort(key=ex.text.find)  # in reading order
        out.append(replace(ex, highlights=tuple(picked)))
    return out
