"""Highlights: the sentence(s) of each result that best answer the query, quoted verbatim.

Each passage's answer sentences are embedded once, at ingest, and kept in the catalogue as int8
vectors (one scale per sentence), so at query time a highlight is a dot product rather than a
model call. Embedding ~30 sentences per query cost about 200 ms on two CPU cores; a lookup costs
about 1 ms. A passage stored before sentence vectors existed (or whose sentence split no longer
matches) is embedded on the fly, as before.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from kb.models import Excerpt
from kb.sentences import answer_sentences, unpack

if TYPE_CHECKING:
    from index.embedder import Embedder

CLOSE_SECOND = 0.05  # a second sentence is highlighted too when it is this close to the best
FIGURE_BONUS = 0.1  # for a number question, a sentence holding a figure is preferred by this much cosine

NUMBER_QUESTION = re.compile(
    r"\b(?:how (?:many|much|often)|what (?:share|proportion|percentage|fraction|number|percent|rate)|percentage|"
    r"proportion|share of|number of|fraction of|rate of)\b",
    re.IGNORECASE,
)
_YEARS = re.compile(  # years, year ranges and dates are not statistics
    r"\b(?:19|20)\d\d(?:[-/]\d\d(?:\d\d)?)?\b|"
    r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\b",
    re.IGNORECASE,
)
_NUMBER_WORD = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
                r"sixty|seventy|eighty|ninety|hundred)")
_FIGURE = re.compile(
    r"\d|%|\bper ?cent\b|\b(?:half|a third|a quarter|two[- ]thirds|three[- ]quarters|majority|minority)\b|"
    rf"\b{_NUMBER_WORD}(?:[- ]{_NUMBER_WORD})?\s+(?:in (?:every )?\w+|per ?cent|percent|of (?:the|these|those)|victims|"
    r"reviews|cases|deaths|perpetrators|women|men|people|households)\b",
    re.IGNORECASE,
)


def is_number_question(query: str) -> bool:
    """Whether the query asks for a count, a share or a rate ("how many", "what share of reviews")."""
    return bool(NUMBER_QUESTION.search(query))


def has_figure(text: str) -> bool:
    """Whether the text states a figure (a count, a percentage, "one in eight"), years and dates aside."""
    return bool(_FIGURE.search(_YEARS.sub(" ", text)))


def add_highlights(
    excerpts: list[Excerpt],
    query_vec: np.ndarray,
    embedder: Embedder,
    stored: dict[str, bytes] | None = None,
    max_each: int = 2,
    figures: bool = False,
) -> list[Excerpt]:
    """For each excerpt, the sentence(s) closest in meaning to the query.

    `stored` maps passage ids to their packed sentence vectors; sentences without one are embedded now.
    `figures` (a number question): a sentence that states a figure is preferred, by FIGURE_BONUS.
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
        found = scored.get(i, [])
        if figures:
            found = [(sim + FIGURE_BONUS * has_figure(s), s) for sim, s in found]
        ranked = sorted(found, reverse=True)
        if not ranked:
            out.append(ex)
            continue
        best = ranked[0][0]
        picked = [s for sim, s in ranked[:max_each] if sim >= best - CLOSE_SECOND]
        picked.sort(key=ex.text.find)  # in reading order
        out.append(replace(ex, highlights=tuple(picked)))
    return out
