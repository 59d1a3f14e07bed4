"""Lexical retrieval: BM25 over the catalogue's FTS5 index, with the same filters as vector search."""

from __future__ import annotations

import re
from collections.abc import Sequence

from index.scope import Scope
from index.vocabulary import expansions
from kb.catalogue import Catalogue
from kb.query import Filters

STOPWORDS = frozenset(
    "a about above after again against all am an and any are as at be because been before being below between both "
    "but by can could did do does doing down during each few for from further had has have having he her here hers "
    "him his how i if in into is it its itself just me more most my no nor not of off on once only or other our out "
    "over own same she should so some such than that the their them then there these they this those through to too "
    "under until up very was we were what when where which while who whom why will with would you your".split()
)
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'&]*")


def fts_terms(query: str, extra_terms: Sequence[str] = ()) -> list[str]:
    """The query's content words and the vocabulary's other forms (and `extra_terms`), each an FTS5 phrase."""
    words = [w.lower().strip("'") for w in TOKEN.findall(query)]
    terms = list(dict.fromkeys(f'"{w}"' for w in words if w not in STOPWORDS and len(w) > 1))
    for form in [*expansions(query), *extra_terms]:
        tokens = [t.lower() for t in TOKEN.findall(form)]
        if tokens:
            terms.append('"' + " ".join(tokens) + '"')
    return list(dict.fromkeys(terms))


def fts_query(query: str, extra_terms: Sequence[str] = ()) -> str | None:
    """An FTS5 MATCH expression: the query's terms OR-ed."""
    terms = fts_terms(query, extra_terms)
    return " OR ".join(terms) if terms else None


def informative_match(catalogue: Catalogue, query: str, extra_terms: Sequence[str] = ()) -> str | None:
    """The MATCH expression without terms found in half the passages or more.

    BM25 gives such a term an IDF of zero or less, which FTS5 floors to 1e-6, so it cannot change a
    ranking; it only makes FTS5 score every row it occurs in ("domestic abuse" in a DHR collection).
    """
    terms = fts_terms(query, extra_terms)
    half = catalogue.fts_size() / 2
    if not terms or half < 1:
        return " OR ".join(terms) or None
    kept = [t for t in terms if catalogue.fts_matches(t, int(half) + 1) < half]
    return " OR ".join(kept or terms)


RANK_DEPTH = 2000  # with a filter: the best-scoring matches tested before ranking only what the filter allows


def lexical_search(
    catalogue: Catalogue, query: str, filters: Filters | Scope | None = None, n: int = 50,
    extra_terms: Sequence[str] = (),
) -> list[tuple[str, float]]:
    """(passage_id, bm25 score; higher is better) for the best `n` lexical matches the filters accept.

    Unfiltered, BM25 ranks on the index alone; passages of documents not (yet) published are dropped
    later, when sources are attached. With a filter, the best RANK_DEPTH matches are ranked first and
    tested in the catalogue, so a broad filter costs little; a narrow one that leaves fewer than `n` of
    them is answered by ranking only the passages it allows.
    """
    match = informative_match(catalogue, query, extra_terms)
    if not match:
        return []
    scope = filters if isinstance(filters, Scope) else Scope.of(filters, catalogue)
    if scope.empty:
        return catalogue.bm25(match, n)
    ranked = catalogue.bm25(match, RANK_DEPTH)
    kept: list[tuple[str, float]] = []
    for i in range(0, len(ranked), 250):
        chunk = ranked[i : i + 250]
        infos = catalogue.passage_occurrence_info((pid for pid, _ in chunk), with_themes=bool(scope.filters.theme))
        kept += [(pid, score) for pid, score in chunk if any(scope.accepts(o) for o in infos.get(pid, []))]
        if len(kept) >= n:
            return kept[:n]
    if len(ranked) < RANK_DEPTH:  # every match was tested
        return kept
    allowed = sorted({o.passage_id for o in scope.allowed(catalogue)})
    return catalogue.bm25(match, n, within=allowed)
