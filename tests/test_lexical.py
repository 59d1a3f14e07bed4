"""BM25 led by the rarer terms ranks as one OR-ed FTS5 query over every term does, whichever terms lead.

The passages are random words with very uneven frequencies, written straight into the lexical index:
what is tested is the ranking over that index, not ingest.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import index.lexical as lexical
from index.lexical import Term, either, informative_terms, ranked_matches
from kb.catalogue import Catalogue

WORDS = [f"w{i}" for i in range(300)]  # w0 is in nearly every passage, w10 in a quarter, w299 in a handful
QUERIES = ["w3 w8 w15 w100", "w5 w10 w150", "w20 w30 w80 w200", "w6 w8 w10 w12 w60", "w0 w15 w299",
           "w4 w40 w60 w100 w150", "w1 w2 w5"]


@pytest.fixture(autouse=True)
def lead_at_any_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lexical, "LEAD_FROM", 0)  # these catalogues are small


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Catalogue:
    rng = random.Random(14)
    weights = [1 / (i + 1) ** 1.3 for i in range(len(WORDS))]
    cat = Catalogue(tmp_path_factory.mktemp("lexical") / "catalogue.sqlite3")
    with cat.conn:
        for i in range(600):
            text = " ".join(rng.choices(WORDS, weights, k=rng.randint(5, 40)))
            cat.conn.execute("INSERT INTO passages_fts (text, passage_id) VALUES (?, ?)", (text, f"p{i}"))
    return cat


def assert_same_ranking(got: list[tuple[str, float]], expected: list[tuple[str, float]]) -> None:
    """Same scores in the same order; the same passages wherever a score is not tied with another."""
    assert [s for _, s in got] == pytest.approx([s for _, s in expected], rel=1e-9)
    ties = {round(s, 9) for s in [s for _, s in expected] if [round(x, 9) for _, x in expected].count(round(s, 9)) > 1}
    assert [p for p, s in got if round(s, 9) not in ties] == [p for p, s in expected if round(s, 9) not in ties]


@pytest.mark.parametrize("share", [0.0, 0.02, 0.1, 0.3, 1.0])
@pytest.mark.parametrize("n", [1, 10, 60])
@pytest.mark.parametrize("query", QUERIES)
def test_led_ranking_equals_the_plain_or_query(catalogue, monkeypatch, query, n, share):
    monkeypatch.setattr(lexical, "COMMON_SHARE", share)
    terms = informative_terms(catalogue, query)
    assert_same_ranking(ranked_matches(catalogue, terms, n), catalogue.bm25(either(terms), n))


def test_both_rounds_of_the_led_search_are_exercised(catalogue, monkeypatch):
    """Some queries are settled by the first led search, others need the second (the test above covers both)."""
    rounds: list[int] = []
    led = catalogue.bm25_led_by

    def counting(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        rounds[-1] += 1
        return led(*args, **kwargs)

    monkeypatch.setattr(catalogue, "bm25_led_by", counting)
    for share in (0.02, 0.1, 0.3):
        monkeypatch.setattr(lexical, "COMMON_SHARE", share)
        for query in QUERIES:
            rounds.append(0)
            ranked_matches(catalogue, informative_terms(catalogue, query), 10)
    assert 1 in rounds and 2 in rounds, rounds


def test_a_led_search_within_allowed_passages_equals_the_plain_one(catalogue):
    allowed = [f"p{i}" for i in range(0, 600, 7)]
    for query in QUERIES:
        terms = informative_terms(catalogue, query)
        assert_same_ranking(ranked_matches(catalogue, terms, 10, within=allowed),
                            catalogue.bm25(either(terms), 10, within=allowed))


def test_led_search_reads_only_passages_holding_a_leading_term(catalogue):
    found = catalogue.bm25_led_by('"w55"', '"w1" OR "w2"', 600)
    holding = {p for p, _ in catalogue.bm25('"w55"', 600)}
    assert found and {p for p, _ in found} == holding


def test_terms_found_nowhere_or_in_half_the_passages_are_left_out(catalogue):
    terms = informative_terms(catalogue, "w0 w20 nowhere")
    assert [t.phrase for t in terms] == ['"w20"']
    assert informative_terms(catalogue, "nowhere") == []
    everywhere = informative_terms(catalogue, "w0")  # when every term is that common, they are kept
    assert [t.phrase for t in everywhere] == ['"w0"'] and everywhere[0].passages > 300


def test_the_ceiling_bounds_what_the_terms_add(catalogue):
    """No passage holding only `other` terms scores above their ceiling (what makes the led search exact)."""
    size = catalogue.fts_size()
    terms = informative_terms(catalogue, "w5 w10 w40")
    for term in terms:
        best = catalogue.bm25(term.phrase, 1)[0][1]
        assert 0 < best <= lexical.ceiling([term], size)
    assert lexical.ceiling([Term('"w0"', size)], size) == pytest.approx(2.2e-6)


def test_the_ranking_follows_a_forgotten_document(tmp_path: Path):
    """The catalogue is the only index: what is deleted from it is no longer found."""
    cat = Catalogue(tmp_path / "catalogue.sqlite3")
    with cat.conn:
        for i, text in enumerate(["rare common", "common common", "rare rare", "common"] * 10):
            cat.conn.execute("INSERT INTO passages_fts (text, passage_id) VALUES (?, ?)", (text, f"p{i}"))
    terms = informative_terms(cat, "rare common")
    before = ranked_matches(cat, terms, 5)
    with cat.conn:
        cat.conn.execute("DELETE FROM passages_fts WHERE passage_id = ?", (before[0][0],))
    terms = informative_terms(cat, "rare common")
    after = ranked_matches(cat, terms, 5)
    assert before[0][0] not in {p for p, _ in after}
    assert_same_ranking(after, cat.bm25(either(terms), 5))


def test_counts_are_remembered_only_until_the_catalogue_changes(tmp_path: Path):
    """Another process's ingest (here: another connection) and this one's own writes both count afresh."""
    path = tmp_path / "catalogue.sqlite3"
    cat, other = Catalogue(path), Catalogue(path)
    with cat.conn:
        cat.conn.execute("INSERT INTO passages_fts (text, passage_id) VALUES ('rare words', 'p1')")
    assert cat.fts_matches('"rare"', 100) == 1
    with other.conn:
        other.conn.execute("INSERT INTO passages_fts (text, passage_id) VALUES ('rare again', 'p2')")
    assert cat.fts_matches('"rare"', 100) == 2
    with cat.conn:
        cat.conn.execute("DELETE FROM passages_fts WHERE passage_id = 'p1'")
    assert cat.fts_matches('"rare"', 100) == 1


def test_a_small_collection_is_ranked_by_one_plain_search(catalogue, monkeypatch):
    monkeypatch.setattr(lexical, "LEAD_FROM", 10_000)
    monkeypatch.setattr(catalogue, "bm25_led_by", None)  # not called
    terms = informative_terms(catalogue, QUERIES[0])
    assert ranked_matches(catalogue, terms, 10) == catalogue.bm25(either(terms), 10)
