"""BM25 scored from the catalogue's own postings is FTS5's BM25, bit for bit, and stays so as the store changes.

The knowledge bases here are written through `Catalogue.write_document` (as ingest writes them), so the
postings are kept beside FTS5; their rankings are compared with one plain FTS5 query over the same terms.
The words are random with very uneven frequencies, and some passages hold the vocabulary's phrases.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from index.bm25 import own_index
from index.lexical import either, informative_terms, lexical_search, ranked_matches
from kb import postings
from kb.catalogue import Catalogue, ThemeMentionRow
from kb.models import DocumentMeta, Passage

WORDS = [f"w{i}" for i in range(200)]
QUERIES = ["w3 w8 w15 w100", "w0 w1 w150", "risk w5 w40", "w20 w30 w80 w199", "assessment w2", "Assessments w7"]
PHRASES = ["risk assessment", "assessment of risk"]  # as the vocabulary adds them


def write_doc(cat: Catalogue, doc: int, texts: list[str]) -> None:
    passages = [Passage(t, i, 1, f"¶{i + 1}", None) for i, t in enumerate(texts)]
    no_themes: list[list[ThemeMentionRow]] = [[] for _ in passages]
    cat.write_document(f"d{doc}", f"/docs/d{doc}.txt", f"h{doc}", DocumentMeta(title=f"Doc {doc}"), None,
                       passages, no_themes)
    cat.set_status(f"d{doc}", "ok")


def random_texts(rng: random.Random, count: int) -> list[str]:
    weights = [1 / (i + 1) ** 1.2 for i in range(len(WORDS))]
    texts = []
    for i in range(count):
        words = rng.choices(WORDS, weights, k=rng.randint(5, 60))
        if i % 3 == 0:
            words.insert(rng.randint(0, len(words)), "risk assessment" if i % 2 else "assessment of risk")
        texts.append(" ".join(words) + f" n{rng.randint(0, 10**9)}")  # distinct texts: distinct passages
    return texts


@pytest.fixture()
def cat(tmp_path: Path) -> Catalogue:
    rng = random.Random(14)
    catalogue = Catalogue(tmp_path / "catalogue.sqlite3")
    for doc in range(25):
        write_doc(catalogue, doc, random_texts(rng, 20))
    return catalogue


def fts5_ranking(cat: Catalogue, terms: str, n: int) -> list[tuple[str, float]]:
    rows = cat.conn.execute("SELECT passage_id, -bm25(passages_fts) AS s FROM passages_fts WHERE passages_fts MATCH ?"
                            " ORDER BY s DESC, rowid LIMIT ?", (terms, n))
    return [(r[0], r[1]) for r in rows]


def assert_fts5_ranks_as_own(cat: Catalogue) -> None:
    assert own_index(cat) is not None
    for query in QUERIES:
        terms = informative_terms(cat, query, PHRASES)
        assert ranked_matches(cat, terms, 40) == fts5_ranking(cat, either(terms), 40), query


def test_a_new_knowledge_base_keeps_its_own_postings_and_they_rank_as_fts5_does(cat):
    assert_fts5_ranks_as_own(cat)


def test_phrase_and_word_counts_are_fts5s(cat):
    own = own_index(cat)
    for phrase in ['"risk assessment"', '"assessment of risk"', '"w0"', '"w150"', '"assessments"', '"absent"']:
        assert own.count(phrase) == cat.fts_matches(phrase, 10**6), phrase


def test_still_after_documents_are_deleted_and_replaced(cat):
    rng = random.Random(7)
    for doc in range(0, 25, 3):
        cat.delete_document(f"d{doc}")
    write_doc(cat, 5, random_texts(rng, 30))  # replaces d5's passages
    for doc in range(100, 104):
        write_doc(cat, doc, random_texts(rng, 10))
    assert_fts5_ranks_as_own(cat)


def test_a_deleted_highest_row_is_never_reused(cat):
    """FTS5 gives a new row the highest rowid + 1, so a deleted last row's number would come back and
    its old postings would count for the new passage."""
    write_doc(cat, 500, ["w1 w2 unique zebra"])
    cat.delete_document("d500")
    write_doc(cat, 501, ["w3 w4 other"])
    assert own_index(cat).count('"zebra"') == 0
    assert_fts5_ranks_as_own(cat)


def test_filters_rank_only_the_allowed_passages(cat):
    terms = informative_terms(cat, "w3 w8 w15 risk", PHRASES)
    allowed = [pid for pid, _ in fts5_ranking(cat, either(terms), 500)][1::3]
    assert ranked_matches(cat, terms, 10, within=allowed) == [
        (p, s) for p, s in fts5_ranking(cat, either(terms), 500) if p in set(allowed)][:10]


def test_a_write_that_bypasses_the_postings_sends_searches_back_to_fts5(cat):
    """An older version of the tool writes passages_fts only: its passages must still be found."""
    with cat.conn:
        cat.conn.execute("INSERT INTO passages_fts (text, passage_id) VALUES ('w1 zebra', 'older')")
    assert own_index(cat) is None
    assert lexical_search(cat, "zebra")[0][0] == "older"
    cat.rebuild_postings(chunk=64)
    assert own_index(cat) is not None
    assert lexical_search(cat, "zebra")[0][0] == "older"
    assert_fts5_ranks_as_own(cat)


def test_a_rebuild_gives_the_postings_ingest_wrote(cat):
    before = {q: ranked_matches(cat, informative_terms(cat, q, PHRASES), 40) for q in QUERIES}
    cat.rebuild_postings(chunk=37)
    assert {q: ranked_matches(cat, informative_terms(cat, q, PHRASES), 40) for q in QUERIES} == before


def test_a_knowledge_base_without_postings_opened_read_only_searches_with_fts5(cat, tmp_path):
    with cat.conn:
        cat.conn.execute("DROP TABLE lexical_postings")
        cat.conn.execute("DROP TABLE lexical_rows")
        cat.conn.execute("DELETE FROM meta WHERE key = 'lexical_postings'")
    cat.close()
    old = Catalogue(tmp_path / "catalogue.sqlite3", read_only=True)
    assert own_index(old) is None
    assert lexical_search(old, "w3 w8")


def test_forgetting_a_document_leaves_no_posting_of_its_words(cat):
    write_doc(cat, 600, ["w1 quagga w2 okapi", "w3 quagga narwhal"])
    rows = [r[0] for r in cat.conn.execute("SELECT row FROM lexical_rows WHERE passage_id IN "
                                           "(SELECT passage_id FROM occurrences WHERE doc_id = 'd600')")]
    cat.delete_document("d600")
    for (blob,) in cat.conn.execute("SELECT keys FROM lexical_postings"):
        assert not set((postings.keys_of(blob) >> postings.POSITION_BITS).tolist()) & set(rows)
    assert cat.conn.execute("SELECT COUNT(*) FROM lexical_postings WHERE token IN ('quagga', 'okapi', 'narwhal')"
                            ).fetchone()[0] == 0
    assert_fts5_ranks_as_own(cat)


def test_a_write_by_another_process_during_a_search_neither_breaks_it_nor_mixes_states(cat, tmp_path, monkeypatch):
    """`dhr serve` may rank while an ingest commits: postings read before and after the commit must not be
    scored together (new rows beyond the lengths read would not even have a length)."""
    own = own_index(cat)
    terms = informative_terms(cat, "w3 w8 risk", PHRASES)
    other = Catalogue(tmp_path / "catalogue.sqlite3")
    real = own.matches
    calls = []

    def matches_then_another_writes(phrase: str):
        found = real(phrase)
        if not calls:
            write_doc(other, 700, [f"w3 w8 risk assessment w{i} fresh{i}" for i in range(30)])
        calls.append(phrase)
        return found

    monkeypatch.setattr(own, "matches", matches_then_another_writes)
    got = ranked_matches(cat, terms, 40)
    monkeypatch.undo()
    assert got == fts5_ranking(cat, either(terms), 40)
