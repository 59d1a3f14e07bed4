"""Highlights come from sentence vectors stored at ingest: no model call at query time, the same
sentences as embedding them on the fly, and a fallback for passages stored without them."""

from __future__ import annotations

import numpy as np
import pytest

from index.embedder import Embedder
from index.highlights import add_highlights
from index.search import search
from index.vectors import VectorStore
from ingest.pipeline import Ingestor
from kb.catalogue import Catalogue
from kb.config import Settings
from kb.models import Excerpt
from kb.query import Query
from kb.sentences import answer_sentences, pack, unpack
from kb.tagger import ThemeTagger
from tests.conftest import seed

QUERIES = [
    "how much does each partner contribute to the contract",
    "who provides the perpetrator programme",
    "what did the committee resolve",
]


def test_packed_vectors_keep_their_cosine_similarities():
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(9, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    query = vectors[0]
    restored = unpack(pack(vectors), 384)
    assert restored.shape == (9, 384)
    assert np.abs(restored @ query - vectors @ query).max() < 0.01
    assert len(pack(vectors)) == 9 * (4 + 384)  # a quarter of float32


def test_a_blob_of_the_wrong_size_is_refused():
    with pytest.raises(ValueError, match="does not hold 384-dimensional rows"):
        unpack(b"\x00" * 1000, 384)


def test_long_sentences_are_preferred_and_short_ones_are_a_fallback():
    text = "See below. The GP did not ask about domestic abuse at any of the four appointments. Noted."
    assert answer_sentences(text) == ["The GP did not ask about domestic abuse at any of the four appointments."]
    assert answer_sentences("The police sent the letter. It was late.") == ["The police sent the letter."]


class _NoModel:
    """An embedder that must not be called."""

    def encode(self, texts, show_progress=False):  # noqa: ANN001, ANN201
        raise AssertionError(f"the model was asked to embed {len(texts)} sentences at query time")


@pytest.fixture(scope="module")
def kb(tmp_path_factory) -> tuple[Catalogue, VectorStore, Embedder]:
    settings = Settings(db=tmp_path_factory.mktemp("highlights") / "kb")
    settings.ensure_dirs()
    catalogue, vectors, embedder = Catalogue(settings.catalogue_path), VectorStore(settings), Embedder()
    report = Ingestor(catalogue, vectors, embedder, ThemeTagger()).run([seed("000"), seed("004")])
    assert not report.failed, report.failed
    return catalogue, vectors, embedder


@pytest.mark.slow
def test_ingest_stores_sentence_vectors_for_every_passage(kb):
    catalogue, _, embedder = kb
    rows = catalogue.conn.execute("SELECT passage_id, text FROM passages").fetchall()
    stored = catalogue.sentence_vectors(r["passage_id"] for r in rows)
    assert set(stored) == {r["passage_id"] for r in rows}  # an empty blob where a passage has no answer sentence
    for r in [r for r in rows if answer_sentences(r["text"])][:5]:
        sentences = answer_sentences(r["text"])
        fresh = embedder.encode(sentences)
        kept = unpack(stored[r["passage_id"]], embedder.dimension)
        # the same vectors, to the int8 rounding of the stored blob; the int8 model also quantises its
        # activations per batch, so a sentence embedded in another batch differs by up to ~0.01 more
        tolerance = 0.02 if embedder.backend == "onnx-int8" else 0.01
        assert np.allclose((kept * fresh).sum(axis=1), 1.0, atol=tolerance)


@pytest.mark.slow
@pytest.mark.parametrize("query", QUERIES)
def test_stored_vectors_pick_the_same_sentences_as_embedding_them_now(kb, query: str):
    catalogue, vectors, embedder = kb
    results = search(Query(query), catalogue, vectors, embedder, highlights=False)
    assert results
    query_vec = embedder.encode_query(query)
    stored = catalogue.sentence_vectors(ex.passage_id for ex in results)
    from_store = add_highlights(results, query_vec, _NoModel(), stored)  # type: ignore[arg-type]
    on_the_fly = add_highlights(results, query_vec, embedder, {})
    assert [ex.highlights for ex in from_store] == [ex.highlights for ex in on_the_fly]
    for ex in from_store:
        assert ex.highlights and all(h in ex.text for h in ex.highlights)


@pytest.mark.slow
def test_a_passage_without_stored_vectors_is_embedded_at_query_time(kb):
    _, _, embedder = kb
    text = ("The contract is funded by the county council and the police and crime commissioner. "
            "Each partner pays a fixed share every year under the agreement signed in 2019.")
    excerpt = Excerpt("p-new", text, 1.0, (), ())
    out = add_highlights([excerpt], embedder.encode_query("who pays for the contract"), embedder, {})
    assert out[0].highlights and all(h in text for h in out[0].highlights)
    with pytest.raises(AssertionError, match="asked to embed 2 sentences"):
        add_highlights([excerpt], embedder.encode_query("x"), _NoModel(), {})  # type: ignore[arg-type]


@pytest.mark.slow
def test_check_reports_passages_without_sentence_vectors_and_repair_stores_them(kb):
    from index.consistency import check, repair

    catalogue, vectors, embedder = kb
    assert check(catalogue, vectors).consistent
    with catalogue.conn:
        catalogue.conn.execute("DELETE FROM sentence_vectors WHERE rowid % 3 = 0")  # as a KB from before
    report = check(catalogue, vectors)
    assert report.missing_sentence_vectors > 0 and not report.consistent
    assert "without stored sentence vectors" in report.problems()[0]
    assert repair(catalogue, vectors, embedder).consistent
    results = search(Query(QUERIES[0]), catalogue, vectors, embedder, highlights=False)
    stored = catalogue.sentence_vectors(ex.passage_id for ex in results)
    assert add_highlights(results, embedder.encode_query(QUERIES[0]), _NoModel(), stored)  # type: ignore[arg-type]


@pytest.mark.slow
def test_forgetting_a_document_drops_the_sentence_vectors_only_it_held(kb):
    catalogue, _, _ = kb
    own = {r[0] for r in catalogue.conn.execute(
        "SELECT passage_id FROM occurrences WHERE doc_id = (SELECT doc_id FROM documents WHERE path LIKE '%004_%')")}
    shared = {r[0] for r in catalogue.conn.execute(
        "SELECT passage_id FROM occurrences GROUP BY passage_id HAVING COUNT(DISTINCT doc_id) > 1")}
    assert own and shared & own  # 004 shares the item 17 text with 000
    doc_id = catalogue.conn.execute("SELECT doc_id FROM documents WHERE path LIKE '%004_%'").fetchone()[0]
    catalogue.delete_document(doc_id)
    left = catalogue.sentence_vectors(own)
    assert set(left) == {pid for pid in shared & own if pid in left}
    assert set(left) and set(left) <= shared
