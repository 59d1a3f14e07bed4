"""Lexical retrieval: BM25 over the catalogue's FTS5 index, with the same filters as vector search."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from index.vocabulary import expansions
from kb.catalogue import Catalogue

if TYPE_CHECKING:
    from index.search import Filters

STOPWORDS = frozenset(
    "a about above after again against all am an and any are as at be because been before being below between both "
    "but by can could did do does doing down during each few for from further had has have having he her here hers "
    "him his how i if in into is it its itself just me more most my no nor not of off on once only or other our out "
    "over own same she should so some such than that the their them then there these they this those through to too "
    "under until up very was we were what when where which while who whom why will with would you your".split()
)
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'&]*")


def fts_terms(query: str) -> list[str]:
    """The query's content words and the vocabulary's other forms, each quoted as an FTS5 phrase."""
    words = [w.lower().strip("'") for w in TOKEN.findall(query)]
    terms = list(dict.fromkeys(f'"{w}"' for w in words if w not in STOPWORDS and len(w) > 1))
    for form in expansions(query):
        tokens = [t.lower() for t in TOKEN.findall(form)]
        if tokens:
            terms.append('"' + " ".join(tokens) + '"')
    return list(dict.fromkeys(terms))


def fts_query(query: str) -> str | None:
    """An FTS5 MATCH expression: the query's terms OR-ed."""
    terms = fts_terms(query)
    return " OR ".join(terms) if terms else None


def indexed_rows(catalogue: Catalogue) -> int:
    """How many passages the FTS5 index holds, from its 'averages' record (a count(*) would read them all)."""
    row = catalogue.conn.execute("SELECT block FROM passages_fts_data WHERE id = 1").fetchone()
    if row and row[0]:
        value = 0
        for shift, byte in enumerate(bytes(row[0])[:9]):  # a big-endian varint: 7 bits a byte, high bit = more
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80 or shift == 8:
                return value
    return catalogue.conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0]


def informative_match(catalogue: Catalogue, query: str) -> str | None:
    """The MATCH expression without terms found in half the passages or more.

    BM25 gives such a term an IDF of zero or less, which FTS5 floors to 1e-6, so it cannot change a
    ranking; it only makes FTS5 score every row it occurs in ("domestic abuse" in a DHR collection).
    """
    terms = fts_terms(query)
    half = indexed_rows(catalogue) / 2
    if not terms or half < 1:
        return " OR ".join(terms) or None
    count = "SELECT COUNT(*) FROM (SELECT 1 FROM passages_fts WHERE passages_fts MATCH ? LIMIT ?)"
    kept = [t for t in terms if catalogue.conn.execute(count, (t, int(half) + 1)).fetchone()[0] < half]
    return " OR ".join(kept or terms)


RANK_DEPTH = 2000  # with a filter: the best-scoring matches tested before ranking only what the filter allows


def lexical_search(
    catalogue: Catalogue, query: str, filters: Filters | None = None, n: int = 50
) -> list[tuple[str, float]]:
    """(passage_id, bm25 score; higher is better) for the best `n` lexical matches the filters accept.

    Unfiltered, BM25 ranks on the index alone; passages of documents not (yet) published are dropped
    later, when sources are attached. With a filter, the best RANK_DEPTH matches are ranked first and
    tested in the catalogue, so a broad filter costs little; a narrow one that leaves fewer than `n` of
    them is answered by ranking only the passages it allows.
    """
    match = informative_match(catalogue, query)
    if not match:
        return []
    rank_sql = (
        "SELECT passage_id, -bm25(passages_fts) AS score FROM passages_fts WHERE passages_fts MATCH ?"
        " ORDER BY score DESC LIMIT ?"
    )
    if filters is None or filters.empty:
        return [(r[0], float(r[1])) for r in catalogue.conn.execute(rank_sql, (match, n))]
    ranked = catalogue.conn.execute(rank_sql, (match, RANK_DEPTH)).fetchall()
    kept: list[tuple[str, float]] = []
    for i in range(0, len(ranked), 250):
        chunk = ranked[i : i + 250]
        infos = catalogue.passage_occurrence_info((r[0] for r in chunk), with_themes=bool(filters.theme))
        kept += [(r[0], float(r[1])) for r in chunk if any(filters.accepts(o) for o in infos.get(r[0], []))]
        if len(kept) >= n:
            return kept[:n]
    if len(ranked) < RANK_DEPTH:  # every match was tested
        return kept
    allowed = sorted({o.passage_id for o in filters.allowed(catalogue)})
    rows = catalogue.conn.execute(
        "SELECT passage_id, -bm25(passages_fts) AS score FROM passages_fts WHERE passages_fts MATCH ?"
        " AND passage_id IN (SELECT value FROM json_each(?)) ORDER BY score DESC LIMIT ?",
        (match, json.dumps(allowed), n),
    )
    return [(r[0], float(r[1])) for r in rows]
