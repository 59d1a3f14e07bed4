"""FTS5's BM25 can be computed outside FTS5, bit for bit, from postings and passage lengths.

What bench/lexical_speed.py --own-postings times (an index of our own, scored in numpy) is only worth
building if it ranks exactly as `Catalogue.bm25` does: same passages, same scores, same order, for
single words and phrases, after passages are deleted too. The passages are random words with very
uneven frequencies and a recurring phrase, written straight into the lexical index.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bench.lexical_speed import OwnPostings
from index.lexical import either, informative_terms
from kb.catalogue import Catalogue

WORDS = [f"w{i}" for i in range(200)]
QUERIES = ["w3 w8 w15 w100", "w0 w1 w150", "risk w5 w40", "w20 w30 w80 w199", "assessment w2"]
PHRASES = ["risk assessment", "assessment of risk"]  # as the vocabulary adds them


def catalogue_at(path: Path) -> Catalogue:
    rng = random.Random(14)
    weights = [1 / (i + 1) ** 1.2 for i in range(len(WORDS))]
    cat = Catalogue(path)
    with cat.conn:
        for i in range(500):
            words = rng.choices(WORDS, weights, k=rng.randint(5, 60))
            if i % 3 == 0:
                words.insert(rng.randint(0, len(words)), "risk assessment" if i % 2 else "assessment of risk")
            cat.conn.execute("INSERT INTO passages_fts (text, passage_id) VALUES (?, ?)", (" ".join(words), f"p{i}"))
    return cat


def fts5_ranking(cat: Catalogue, match: str, n: int) -> list[tuple[int, float]]:
    rows = cat.conn.execute("SELECT rowid, -bm25(passages_fts) AS s FROM passages_fts WHERE passages_fts MATCH ?"
                            " ORDER BY s DESC, rowid LIMIT ?", (match, n))
    return [(r[0], r[1]) for r in rows]


def own_ranking(cat: Catalogue, query: str, n: int) -> list[tuple[int, float]]:
    own = OwnPostings(cat)
    ranked = own.top([own.load(t.phrase) for t in informative_terms(cat, query, PHRASES)], n + 50)
    return sorted(ranked, key=lambda r: (-r[1], r[0]))[:n]  # ties in FTS5's order below: by rowid


@pytest.mark.parametrize("query", QUERIES)
def test_own_postings_rank_with_fts5s_scores_bit_for_bit(tmp_path: Path, query: str):
    cat = catalogue_at(tmp_path / "catalogue.sqlite3")
    assert own_ranking(cat, query, 40) == fts5_ranking(cat, either(informative_terms(cat, query, PHRASES)), 40)


def test_and_still_after_passages_are_deleted(tmp_path: Path):
    cat = catalogue_at(tmp_path / "catalogue.sqlite3")
    with cat.conn:
        cat.conn.execute("DELETE FROM passages_fts WHERE rowid % 4 = 0")
    for query in QUERIES:
        assert own_ranking(cat, query, 40) == fts5_ranking(cat, either(informative_terms(cat, query, PHRASES)), 40)
