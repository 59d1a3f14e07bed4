"""Lexical retrieval: BM25 over the catalogue's FTS5 index, with the same filters as vector search."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from index.bm25 import K1, own_index
from index.scope import Scope
from index.vocabulary import expansions
from kb.catalogue import Catalogue, OccurrenceInfo, fts_tokens
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
    """The query's content words and the vocabulary's other forms (and `extra_terms`), each an FTS5 phrase.

    Phrases the index reads as the same tokens ("IDVA" and "IDVAs", "safeguarding adult(s) review") are kept once:
    BM25 sums over the phrases of the query, so a second copy would count the same words twice.
    """
    words = [w.lower().strip("'") for w in TOKEN.findall(query)]
    phrases = [w for w in words if w not in STOPWORDS and len(w) > 1]
    for form in [*expansions(query), *extra_terms]:
        tokens = [t.lower() for t in TOKEN.findall(form)]
        if tokens:
            phrases.append(" ".join(tokens))
    kept: dict[tuple[str, ...], str] = {}
    for phrase in phrases:
        kept.setdefault(fts_tokens(phrase) or (phrase,), f'"{phrase}"')
    return list(kept.values())


def fts_query(query: str, extra_terms: Sequence[str] = ()) -> str | None:
    """An FTS5 MATCH expression: the query's terms OR-ed."""
    terms = fts_terms(query, extra_terms)
    return " OR ".join(terms) if terms else None


@dataclass(frozen=True)
class Term:
    """A query term (an FTS5 phrase) and how many passages hold it, counted no further than half of them."""

    phrase: str
    passages: int


def either(terms: Sequence[Term]) -> str:
    return " OR ".join(t.phrase for t in terms)


def informative_terms(catalogue: Catalogue, query: str, extra_terms: Sequence[str] = ()) -> list[Term]:
    """The query's terms that occur somewhere, without those found in half the passages or more.

    BM25 gives such a term an IDF of zero or less, which FTS5 floors to 1e-6, so it cannot change a
    ranking; it only makes FTS5 score every row it occurs in ("domestic abuse" in a DHR collection).
    A term found nowhere scores nothing, but FTS5 would still test it on every row. When every term
    found is that common, they are all kept.
    """
    half = catalogue.fts_size() / 2
    own = own_index(catalogue)
    counted = [Term(t, own.count(t) if own else catalogue.fts_matches(t, int(half) + 1))
               for t in fts_terms(query, extra_terms)]
    found = [t for t in counted if t.passages > 0]
    return [t for t in found if t.passages < half] or found


COMMON_SHARE = 0.1  # terms in this share of the passages or more do not lead the search (see ranked_matches)
LEAD_DEPTH = 250  # deeper, the n-th score is too low to rule out the common terms: one plain search is cheaper
LEAD_FROM = 50_000  # passages; below this one plain search costs as little (bench/lexical_speed.py: x1.1 at 10k)


def idf(passages: int, size: int) -> float:
    """FTS5's BM25 IDF for a term found in `passages` of `size` passages (floored as FTS5 does)."""
    value = math.log((size - passages + 0.5) / (passages + 0.5)) if size else 0.0
    return value if value > 0 else 1e-6


def ceiling(terms: Sequence[Term], size: int) -> float:
    """The most `terms` can add to a passage's BM25 score: IDF x (k1 + 1) each, as their count grows."""
    return sum(idf(t.passages, size) * (K1 + 1) for t in terms)


def split_under(terms: Sequence[Term], bar: float, size: int) -> tuple[list[Term], list[Term]]:
    """(leading, other): `other` is the commonest terms whose ceiling stays at or under `bar`."""
    other: list[Term] = []
    for term in sorted(terms, key=lambda t: -t.passages):
        if ceiling([*other, term], size) > bar:
            break
        other.append(term)
    return [t for t in terms if t not in other], other


def ranked_matches(
    catalogue: Catalogue, terms: Sequence[Term], n: int, within: Sequence[str] | None = None,
) -> list[tuple[str, float]]:
    """The best `n` passages by BM25 over all `terms` OR-ed, as `Catalogue.bm25` ranks them, reading fewer rows.

    The catalogue's own postings score them when they are in step with FTS5 (index/bm25.py). Otherwise
    (a knowledge base written before they were kept):
    FTS5 scores every row any term matches, so common terms cost the most and change the least. The
    search is led by the rarer terms (MaxScore): it reads only passages holding one of them, each scored
    by every term. A passage holding none of them scores at most the common terms' `ceiling`; when the
    n-th score found is at least that, no passage left out could rank. If not, the commonest terms that
    stay under that n-th score are set aside instead, and a second search is exact by construction.
    """
    own = own_index(catalogue)
    if own is not None:
        return own.top([t.phrase for t in terms], n, within)
    size = catalogue.fts_size()
    if n > LEAD_DEPTH or size < LEAD_FROM:
        return catalogue.bm25(either(terms), n, within)
    leading = [t for t in terms if t.passages < COMMON_SHARE * size]
    other = [t for t in terms if t.passages >= COMMON_SHARE * size]
    for _ in range(2):
        if not leading or not other:
            break
        found = catalogue.bm25_led_by(either(leading), either(other), n, within)
        bar = found[n - 1][1] if len(found) >= n else 0.0
        if ceiling(other, size) <= bar:
            return found
        leading, other = split_under(terms, bar, size)
    return catalogue.bm25(either(terms), n, within)


RANK_DEPTH = 2000  # with a filter: the best-scoring matches tested before ranking only what the filter allows
KNOWN_WITHIN = 20_000  # a filter's passages already listed, up to this many, are ranked at once (see below)
FIRST_DEPTH = 250  # ... tested first (from LEAD_FROM passages): a broad filter keeps enough; the led search is cheap


def lexical_search(
    catalogue: Catalogue, query: str, filters: Filters | Scope | None = None, n: int = 50,
    extra_terms: Sequence[str] = (),
) -> list[tuple[str, float]]:
    """(passage_id, bm25 score; higher is better) for the best `n` lexical matches the filters accept.

    Unfiltered, BM25 ranks on the index alone; passages of documents not (yet) published are dropped
    later, when sources are attached. With a filter, the best FIRST_DEPTH matches are ranked first and
    tested in the catalogue, then the best RANK_DEPTH, so a broad filter costs little; a narrow one that
    leaves fewer than `n` of them is answered by ranking only the passages it allows, at once when the
    dense side has already listed them (it does so for a narrow filter).
    """
    terms = informative_terms(catalogue, query, extra_terms)
    if not terms:
        return []
    scope = filters if isinstance(filters, Scope) else Scope.of(filters, catalogue)
    if scope.empty:
        return ranked_matches(catalogue, terms, n)
    known = scope.known_allowed(catalogue)
    if known is not None and (len(known) <= KNOWN_WITHIN or own_index(catalogue) is not None):
        # a filter listed already (the dense side lists a narrow one): rank only those; the own postings rank
        # within any number of passages at once
        return ranked_matches(catalogue, terms, n, within=scope.derived(catalogue, "passages", passages_of))
    shallow = min(FIRST_DEPTH, RANK_DEPTH) if catalogue.fts_size() >= LEAD_FROM else RANK_DEPTH
    for depth in dict.fromkeys((shallow, RANK_DEPTH)):
        ranked = ranked_matches(catalogue, terms, depth)
        kept = accepted(catalogue, scope, ranked, enough=n)
        if len(kept) >= n:
            return kept[:n]
        if len(ranked) < depth:  # every match was tested
            return kept
    return ranked_matches(catalogue, terms, n, within=scope.derived(catalogue, "passages", passages_of))


def passages_of(allowed: list[OccurrenceInfo]) -> list[str]:
    """The distinct passage ids of these occurrences, sorted."""
    return sorted({o.passage_id for o in allowed})


def accepted(
    catalogue: Catalogue, scope: Scope, ranked: list[tuple[str, float]], enough: int,
) -> list[tuple[str, float]]:
    """The ranked passages the scope accepts, in order, tested 250 at a time until `enough` are found."""
    kept: list[tuple[str, float]] = []
    for i in range(0, len(ranked), 250):
        chunk = ranked[i : i + 250]
        infos = catalogue.passage_occurrence_info((pid for pid, _ in chunk), with_themes=bool(scope.filters.theme))
        kept += [(pid, score) for pid, score in chunk if any(scope.accepts(o) for o in infos.get(pid, []))]
        if len(kept) >= enough:
            break
    return kept
