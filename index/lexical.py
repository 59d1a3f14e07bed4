"""Lexical retrieval: BM25 over the catalogue's FTS5 index, with the same filters as vector search."""

from __future__ import annotations

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


def fts_query(query: str) -> str | None:
    """An FTS5 MATCH expression: the query's content words and the vocabulary's other forms, OR-ed."""
    words = [w.lower().strip("'") for w in TOKEN.findall(query)]
    terms = list(dict.fromkeys(f'"{w}"' for w in words if w not in STOPWORDS and len(w) > 1))
    for form in expansions(query):
        tokens = [t.lower() for t in TOKEN.findall(form)]
        if tokens:
            terms.append('"' + " ".join(tokens) + '"')
    return " OR ".join(dict.fromkeys(terms)) if terms else None


def filter_sql(filters: Filters | None) -> tuple[str, list[object]]:
    """SQL restricting passage_id to passages that appear in a matching 'ok' document."""
    clauses = ["d.status = 'ok'"]
    params: list[object] = []
    if filters:
        if filters.doc_type:
            clauses.append("d.doc_type = ?")
            params.append(filters.doc_type)
        if filters.area:
            clauses.append("lower(d.area) = lower(?)")
            params.append(filters.area)
        if filters.section:
            clauses.append("o.section_kind = ?")
            params.append(filters.section)
        if filters.doc_ids is not None:
            clauses.append(f"d.doc_id IN ({','.join('?' * len(filters.doc_ids)) or 'NULL'})")
            params.extend(sorted(filters.doc_ids))
        if filters.since:
            clauses.append("d.date IS NOT NULL AND replace(d.date, '-', '') >= ?")
            params.append(str(filters.since_bound()))
        if filters.until:
            clauses.append("d.date IS NOT NULL AND substr(replace(d.date, '-', '') || '99999999', 1, 8) <= ?")
            params.append(str(filters.until_bound()))
    sql = "SELECT o.passage_id FROM occurrences o JOIN documents d USING (doc_id) WHERE " + " AND ".join(clauses)
    if filters and filters.theme:
        # the same themes as the vectors' metadata: passages.themes_json holds what counts as present
        sql += " AND o.passage_id IN (SELECT passage_id FROM passages, json_each(passages.themes_json) WHERE value = ?)"
        params.append(filters.theme)
    return sql, params


def lexical_search(
    catalogue: Catalogue, query: str, filters: Filters | None = None, n: int = 50
) -> list[tuple[str, float]]:
    """(passage_id, bm25 score; higher is better) for the best `n` lexical matches."""
    match = fts_query(query)
    if not match:
        return []
    if filters is None or filters == type(filters)():
        # No filter: rank on the index alone. Passages of documents not (yet) 'ok' are dropped later,
        # when sources are attached, so the costly join over every published passage is not needed.
        sql, params = (
            "SELECT passage_id, -bm25(passages_fts) AS score FROM passages_fts WHERE passages_fts MATCH ?"
            " ORDER BY score DESC LIMIT ?",
            [match, n],
        )
    else:
        where, where_params = filter_sql(filters)
        sql = (
            "SELECT passage_id, -bm25(passages_fts) AS score FROM passages_fts WHERE passages_fts MATCH ?"
            f" AND passage_id IN ({where}) ORDER BY score DESC LIMIT ?"
        )
        params = [match, *where_params, n]
    rows = catalogue.conn.execute(sql, params).fetchall()
    return [(r[0], float(r[1])) for r in rows]
