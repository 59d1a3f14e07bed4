"""Search, filters, folding and the result objects, fast: a deterministic fake embedder over a real
Chroma store and the real catalogue and tagger (the slow tests run the same paths with the real model)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from index.stores import Stores
from kb.errors import QueryError
from kb.query import Filters, Query
from reports.answers import ask
from reports.documents import list_documents, show_document
from reports.output import render
from tests.smallkb import build_kb, open_stores


@pytest.fixture(scope="module")
def kb(tmp_path_factory) -> Stores:
    settings = build_kb(tmp_path_factory.mktemp("docs"), tmp_path_factory.mktemp("kb") / "kb")
    return open_stores(settings)


def test_a_query_finds_the_passage_that_shares_its_words_with_its_citation(kb):
    answer = ask(Query("refuge funding outreach workers budget"), kb)
    first = answer.excerpts[0]
    assert "refuge" in first.text
    assert "Safer Communities Scrutiny Committee" in first.citation or "minutes" in first.citation


def test_the_same_text_in_two_reviews_is_one_result_citing_both(kb):
    answer = ask(Query("information not shared between GP and police, MARAC referral", top=10), kb)
    shared = [ex for ex in answer.excerpts if "MARAC was not made" in ex.text]
    assert len(shared) == 1
    assert {s.title for s in shared[0].sources} == {"DHR Anna", "DHR Mary", "DHR Hostile"}


@pytest.mark.parametrize(
    ("filters", "titles"),
    [
        (Filters(area="eastmoor"), {"DHR Mary", "Safer Eastmoor annual report"}),
        (Filters(since="2020", doc_type="dhr_overview_report"), {"DHR Mary", "DHR Hostile"}),
        (Filters(until="2019"), {"DHR Anna"}),
        (Filters(relationship="Son"), {"DHR Mary"}),
    ],
)
def test_document_filters_keep_only_the_documents_they_name(kb, filters, titles):
    answer = ask(Query("GP police information sharing", filters, top=10), kb)
    assert answer.excerpts
    assert {ex.sources[0].title for ex in answer.excerpts} == titles  # the copy the filter asked for is cited


def test_a_section_filter_returns_only_that_kind_of_section(kb):
    answer = ask(Query("GP practices routine enquiry", Filters(section="recommendations"), top=10), kb)
    assert answer.excerpts
    assert all(s.section_kind == "recommendations" for ex in answer.excerpts for s in ex.sources)


def test_the_per_document_cap_spreads_the_opening_results(kb):
    capped = ask(Query("domestic abuse police GP refuge", top=5, per_doc=1), kb)
    seen: dict[str, int] = {}
    for ex in capped.excerpts:  # an excerpt opens only while one of its documents is under the cap
        docs = {s.doc_id for s in ex.sources}
        assert any(seen.get(d, 0) < 1 for d in docs), [s.title for s in ex.sources]
        for d in docs:
            seen[d] = seen.get(d, 0) + 1


def test_an_unknown_case_value_is_refused_naming_the_values_there_are(kb):
    with pytest.raises(QueryError, match="partner, son"):
        ask(Query("anything", Filters(relationship="husband")), kb)


def test_query_mistakes_are_explained_without_naming_command_line_flags():
    for bad in ({"since": "2023", "until": "2020"}, {"since": "soon"}, {"section": "nonsense"}, {"theme": "zzzz"}):
        with pytest.raises(QueryError) as err:
            Query.build("x", **bad)
        assert "--" not in str(err.value)
    with pytest.raises(QueryError, match="empty"):
        _ = Query("   ").clean_text


def test_one_result_renders_as_text_json_and_a_formula_safe_csv(kb):
    answer = ask(Query("refuge budget outreach", top=3), kb)
    data = json.loads(render(answer, "json"))
    assert {"text", "citation", "sources", "themes", "highlights"} <= set(data[0])
    rows = list(csv.DictReader(io.StringIO(render(answer, "csv"))))
    assert rows and rows[0]["reference"]
    assert not any(v.startswith("=") for row in rows for v in row.values())
    assert "Key points" in render(answer, "text")


def test_documents_use_the_same_field_names_in_every_listing(kb):
    listed = json.loads(render(list_documents(kb.catalogue), "json"))
    one = json.loads(render(show_document(kb.catalogue, "DHR Anna"), "json"))
    assert {"doc_id", "type", "title", "area", "date"} <= set(listed[0]) & set(one)
    assert one["doc_id"] in {d["doc_id"] for d in listed}


def test_the_document_list_says_where_each_field_came_from(kb):
    listed = json.loads(render(list_documents(kb.catalogue), "json"))
    anna = next(d for d in listed if d["title"] == "DHR Anna")
    assert anna["provenance"]["title"] == "sidecar" and anna["provenance"]["area"] == "sidecar"
    minutes = next(d for d in listed if d["type"] == "committee_minutes")
    assert set(minutes["provenance"].values()) <= {"detected", "missing"}


def test_a_neighbour_takes_a_results_place_only_when_it_passes_the_filters(kb):
    from index.scope import Scope
    from index.search import let_neighbours_compete

    catalogue = kb.catalogue
    pairs = [(o, n) for d in catalogue.documents() for occ in [catalogue.occurrences(d.doc_id)]
             for a, b in zip(occ, occ[1:], strict=False) for o, n in ((a, b), (b, a))
             if o.source.section_kind == "recommendations" and n.source.section_kind != "recommendations"]
    assert pairs, "the small knowledge base has a recommendation next to another kind of section"
    result, neighbour = pairs[0]
    query_vec = kb.embedder.encode_query(neighbour.text)  # the neighbour answers best
    ranked = [(result.passage_id, 1.0)]
    assert let_neighbours_compete(ranked, query_vec, catalogue)[0][0] == neighbour.passage_id
    scope = Scope.of(Filters(section="recommendations"), catalogue)
    assert let_neighbours_compete(ranked, query_vec, catalogue, scope)[0][0] == result.passage_id


def test_a_passages_neighbours_are_the_ones_before_and_after_it_in_its_document(kb):
    catalogue = kb.catalogue
    for doc in catalogue.documents():
        order = [o.passage_id for o in catalogue.occurrences(doc.doc_id)]
        for i, pid in enumerate(order):
            if order.index(pid) == i:  # a text repeated in one document: its first place counts
                around = [order[j] for j in (i - 1, i + 1) if 0 <= j < len(order)]
                assert catalogue.neighbours(doc.doc_id, pid) == around
