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

from index.lexical import STOPWORDS
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


# the frame of a number question, not its subject ("how many", "what share of")
_FRAME = frozenset(
    "many much often share proportion percentage fraction number numbers percent per cent rate total january february "
    "march april may june july august september october november december".split()
)
_WORD = re.compile(r"[a-z0-9%\u00a3$][a-z0-9'%.,\u00a3$-]*")
_FIGURE_WORD = re.compile(
    rf"^(?:[\u00a3$]?\d.*|%|cent|percent|{_NUMBER_WORD}(?:-{_NUMBER_WORD})?|half|third|thirds|quarter|quarters|"
    r"majority|minority)$"
)
FIGURE_WINDOW = 4  # words either side of a figure that may name what it counts ("153 Reviews", "36% of victims")


MONEY = "<money>"  # the subject of "how much money / funding / ...": any sum of money is on it
_AMOUNT = re.compile(r"[\u00a3$\u20ac]\s?\d|\b\d[\d,.]*(?:\s?(?:million|billion)|bn|m)\b", re.IGNORECASE)
_MONEY_WORDS = frozenset("money funding funds grant grants cost costs spend spent budget pounds paid".split())


def _stem(word: str) -> str:
    return word.strip("'.,-")[:5]


_COUNTED = re.compile(
    r"\b(?:how (?:many|much)|what (?:share|proportion|percentage|fraction|number|percent|rate)|percentage|proportion|"
    r"share|number|fraction|rate)\s+(?:of\s+)?(?:(?:the|these|those|all)\s+)?(.*)",
)


def subject_words(query: str, counted_only: bool = False) -> frozenset[str]:
    """What a number question counts, crudely stemmed: the words just after its frame ("how many reviews went ...",
    "what share of victims ..."), up to the first small word; failing that, all its content words (or none, with
    `counted_only`: "killed out of proportion to their numbers" names nothing counted)."""
    def content(words: list[str]) -> list[str]:
        return [w for w in words if w not in STOPWORDS and w not in _FRAME and len(w) > 2 and not _FIGURE_WORD.match(w)]

    text = _YEARS.sub(" ", query.lower())
    after = _COUNTED.search(text)
    if after:
        counted = []
        for word in _WORD.findall(after.group(1)):
            if word in STOPWORDS and counted:
                break
            counted += content([word])
            if len(counted) == 3:
                break
        if counted:
            money = {MONEY} if after.group(0).startswith("how much") and _MONEY_WORDS & set(counted) else set()
            return frozenset(_stem(w) for w in counted) | money
    return frozenset() if counted_only else frozenset(_stem(w) for w in content(_WORD.findall(text)))


# Words that count the same things here: the knowledge base's reviews are domestic homicide reviews, so "how many
# reviews" is answered by "400 DHRs" and "how many DHRs" by "153 reviews" (crudely stemmed, as `subject_words`).
SAME_COUNTED = (frozenset({"revie", "dhr", "dhrs"}),)


def counted_alike(subject: frozenset[str]) -> frozenset[str]:
    """The subject's stems and those that count the same things (SAME_COUNTED)."""
    return subject.union(*(group for group in SAME_COUNTED if group & subject))


def figure_near_subject(text: str, subject: frozenset[str], window: int = FIGURE_WINDOW) -> bool:
    """Whether the text states a figure within `window` words of one of the subject's words (or of a word that
    counts the same things, `counted_alike`).

    "how many reviews ..." finds "information from 153 Reviews" and "400 DHRs", not "the 12 months between ...".
    """
    if not subject:
        return False
    subject = counted_alike(subject)
    if MONEY in subject and _AMOUNT.search(text):
        return True
    lowered = text.lower()
    if not any(stem in lowered for stem in subject):  # a quick test before reading word by word
        return False
    words = _WORD.findall(_YEARS.sub(" ", lowered))
    stems = [_stem(w) for w in words]
    for i, word in enumerate(words):
        if _FIGURE_WORD.match(word) and any(s in subject for s in stems[max(i - window, 0): i + window + 1]):
            return True
    return False


def add_highlights(
    excerpts: list[Excerpt],
    query_vec: np.ndarray,
    embedder: Embedder,
    stored: dict[str, bytes] | None = None,
    max_each: int = 2,
    figures: bool = False,
    counted: frozenset[str] | None = None,
) -> list[Excerpt]:
    """For each excerpt, the sentence(s) closest in meaning to the query.

    `stored` maps passage ids to their packed sentence vectors; sentences without one are embedded now.
    `figures` (a number question): a sentence that states a figure is preferred, by FIGURE_BONUS; with `counted`
    (the question's `subject_words`), a figure next to what it counts is preferred by as much again.
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
            found = [(sim + FIGURE_BONUS * (has_figure(s) + bool(counted and figure_near_subject(s, counted))), s)
                     for sim, s in found]
        ranked = sorted(found, reverse=True)
        if not ranked:
            out.append(ex)
            continue
        best = ranked[0][0]
        picked = [s for sim, s in ranked[:max_each] if sim >= best - CLOSE_SECOND]
        picked.sort(key=ex.text.find)  # in reading order
        out.append(replace(ex, highlights=tuple(picked)))
    return out
