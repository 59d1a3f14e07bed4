"""Filters give the same answer whichever way a retriever applies them: over-fetched and tested in the
catalogue, searched by record id, handed to Chroma's own filter, or (BM25) ranked within the allowed set."""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import pytest

import index.lexical as lexical
import index.scope as scope_mod
import index.search as search_mod
from index.embedder import Embedder
from index.lexical import lexical_search
from index.scope import Scope
from index.search import dense_ranking
from index.vectors import VectorStore
from kb.catalogue import Catalogue
from kb.config import Settings
from kb.query import Filters

QUERY = "no referral was made to MARAC after the risk assessment"
FILTERS = [
    Filters(section="recommendations"),
    Filters(section="lessons"),
    Filters(doc_type="committee_minutes"),
    Filters(doc_type="dhr_overview_report", since="2021"),
    Filters(until="2020-12"),
    Filters(area="Northbridge"),
    Filters(theme="marac"),
    Filters(theme="alcohol", section="analysis"),
]


@pytest.fixture(scope="module")
def kb(corpus_db: Path) -> tuple[Catalogue, VectorStore, Embedder]:
    settings = Settings(db=corpus_db)
    return Catalogue(settings.catalogue_path), VectorStore(settings), Embedder()


def chroma_reference(kb, filters: Filters, n: int) -> list[str]:
    """Passage ids from Chroma's own metadata filter, best first."""
    catalogue, vectors, embedder = kb
    hits = vectors.query(embedder.encode_query(QUERY), n=n, where=Scope.of(filters, catalogue).chroma_where())
    infos = catalogue.occurrence_info([h.key for h in hits])
    return list(dict.fromkeys(infos[h.key].passage_id for h in hits if h.key in infos))


def sql_reference(catalogue: Catalogue, filters: Filters) -> set[str]:
    """Passages with an occurrence the filter accepts, written as plain SQL independent of the code under test."""
    sql = ("SELECT DISTINCT o.passage_id FROM occurrences o JOIN documents d USING (doc_id)"
           " JOIN passages p USING (passage_id) WHERE d.status = 'ok'")
    params: list[object] = []
    for column, value in (("o.section_kind", filters.section), ("d.doc_type", filters.doc_type)):
        if value:
            sql += f" AND {column} = ?"
            params.append(value)
    if filters.area:
        sql += " AND lower(d.area) = lower(?)"
        params.append(filters.area)
    if filters.theme:
        sql += " AND EXISTS (SELECT 1 FROM json_each(p.themes_json) WHERE value = ?)"
        params.append(filters.theme)
    if filters.since:
        sql += " AND d.date >= ?"
        params.append(filters.since)
    if filters.until:
        sql += " AND d.date IS NOT NULL AND substr(d.date || '-00-00', 1, 10) <= ?"
        params.append(filters.until + "-99")
    return {r[0] for r in catalogue.conn.execute(sql, params)}


@pytest.mark.slow
@pytest.mark.parametrize("filters", FILTERS, ids=[repr(f)[8:60] for f in FILTERS])
@pytest.mark.parametrize("path", ["over-fetch", "by record id", "chroma filter"])
def test_every_dense_path_returns_what_chromas_own_filter_returns(kb, monkeypatch, filters: Filters, path: str):
    catalogue, vectors, embedder = kb
    if path != "over-fetch":  # too few pass the unfiltered top n*1, so the narrow-filter path runs
        monkeypatch.setattr(search_mod, "OVERFETCH", 1)
    if path == "chroma filter":
        monkeypatch.setattr(search_mod, "MAX_ALLOWED_IDS", 0)
    got = [pid for pid, _ in dense_ranking(embedder.encode_query(QUERY), vectors, catalogue, filters, n=20)]
    expected = chroma_reference(kb, filters, n=20)
    assert got == expected
    assert set(got) <= sql_reference(catalogue, filters)


@pytest.mark.slow
@pytest.mark.parametrize("filters", FILTERS, ids=[repr(f)[8:60] for f in FILTERS])
@pytest.mark.parametrize("depth", [2000, 3])
@pytest.mark.parametrize("lead_from", [0, 10**9], ids=["led", "plain"])
@pytest.mark.parametrize("listed", [False, True], ids=["", "listed"])
def test_filtered_bm25_is_the_unfiltered_ranking_restricted_to_allowed_passages(
    kb, monkeypatch, filters, depth, lead_from, listed,
):
    catalogue, _, _ = kb
    monkeypatch.setattr(lexical, "RANK_DEPTH", depth)  # 3: the narrow-filter path ranks within the allowed set
    monkeypatch.setattr(lexical, "LEAD_FROM", lead_from)  # 0: led by the rarer terms, as in a large collection
    allowed = sql_reference(catalogue, filters)
    assert allowed, "every filter here matches something in the corpus"
    everything = lexical_search(catalogue, QUERY, None, n=10_000)
    expected = [pid for pid, _ in everything if pid in allowed][:15]
    scope = Scope.of(filters, catalogue)
    monkeypatch.setattr(scope_mod, "_allowed_cache", OrderedDict())
    if listed:  # the dense side has listed what the filter allows (it does for a narrow one)
        scope.allowed(catalogue)
    got = [pid for pid, _ in lexical_search(catalogue, QUERY, scope, n=15)]
    assert got == expected


@pytest.mark.slow
def test_a_filter_that_matches_nothing_returns_nothing(kb, monkeypatch):
    catalogue, vectors, embedder = kb
    nothing = Filters(area="Nowhere At All")
    monkeypatch.setattr(search_mod, "OVERFETCH", 1)
    assert dense_ranking(embedder.encode_query(QUERY), vectors, catalogue, nothing, n=20) == []
    monkeypatch.setattr(lexical, "RANK_DEPTH", 3)
    assert lexical_search(catalogue, QUERY, nothing, n=15) == []
