"""How ingest schedules its work (issue 14): tags made while a batch embeds, one Chroma write per batch, no
search of Chroma for the vectors of a document the catalogue has never held, and the stage timings filled."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from index.consistency import check
from ingest.pipeline import Ingestor
from kb.config import Settings
from kb.errors import DHRError
from kb.tagger import ThemeTagger
from tests.smallkb import build_folder, open_stores


class Spy:
    """The vector store, counting the calls ingest makes to it."""

    def __init__(self, inner) -> None:  # noqa: ANN001 - an index.vectors.VectorStore
        self.inner = inner
        self.deleted: list[str] = []
        self.adds: list[int] = []

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.inner, name)

    def delete_document(self, doc_id: str) -> None:
        self.deleted.append(doc_id)
        self.inner.delete_document(doc_id)

    def add(self, records) -> None:  # noqa: ANN001
        self.adds.append(len(records))
        self.inner.add(records)


@pytest.fixture
def setup(tmp_path: Path):  # noqa: ANN201
    (tmp_path / "docs").mkdir()
    folder = build_folder(tmp_path / "docs")
    stores = open_stores(Settings(db=tmp_path / "kb"))
    spy = Spy(stores.vectors)
    return folder, stores, spy


def test_new_documents_are_written_in_one_chroma_call_without_looking_for_old_vectors(setup):
    folder, stores, spy = setup
    report = Ingestor(stores.catalogue, spy, stores.embedder, ThemeTagger()).run([folder])
    added = [r for r in report.results if r.status == "added"]
    assert len(added) == 6 and not report.failed
    assert spy.deleted == []  # none of them was in the catalogue
    assert spy.adds == [sum(r.passages for r in added)]  # one batch, one write
    assert check(stores.catalogue, stores.vectors).consistent


def test_a_changed_document_loses_its_old_vectors(setup):
    folder, stores, spy = setup
    Ingestor(stores.catalogue, spy, stores.embedder, ThemeTagger()).run([folder])
    before = stores.vectors.count()
    text = (folder / "anna.txt").read_text("utf-8")
    cut = text[: text.rindex("\n\n", 0, len(text) - 10)]  # its last paragraph gone: fewer passages
    (folder / "anna.txt").write_text(cut, "utf-8")
    report = Ingestor(stores.catalogue, spy, stores.embedder, ThemeTagger()).run([folder])
    (anna,) = [r for r in report.results if r.status == "updated"]
    assert spy.deleted == [anna.doc_id]
    assert stores.vectors.count() < before
    assert check(stores.catalogue, stores.vectors).consistent


def test_tags_are_made_on_the_reader_thread_and_a_tagging_failure_fails_only_its_file(setup):
    folder, stores, spy = setup
    tagger = ThemeTagger()
    threads: set[str] = set()
    tag_many = tagger.tag_many

    def tag(texts, section_kinds=None, **kw):  # noqa: ANN001, ANN202
        threads.add(threading.current_thread().name)
        if any("refuge waiting list" in t for t in texts):
            raise DHRError("the tagger failed")
        return tag_many(texts, section_kinds=section_kinds, **kw)

    tagger.tag_many = tag  # type: ignore[method-assign]
    report = Ingestor(stores.catalogue, spy, stores.embedder, tagger).run([folder])
    assert all(name.startswith("dhr-read") for name in threads), threads
    assert [r.path.name for r in report.failed] == ["annual.pdf"]
    assert len([r for r in report.results if r.status == "added"]) == 5
    assert stores.catalogue.document_by_path(str(folder / "annual.pdf")) is None
    assert check(stores.catalogue, stores.vectors).consistent


def test_the_stage_timings_are_filled(setup):
    folder, stores, spy = setup
    t = Ingestor(stores.catalogue, spy, stores.embedder, ThemeTagger()).run([folder]).timings
    assert t.passages > 0 and t.read > 0 and t.tag > 0 and t.tag_cpu > 0 and t.read_cpu > 0
    assert t.store >= t.store_vectors > 0 and t.store >= t.store_catalogue > 0
    assert t.extract_tag == pytest.approx(t.read + t.tag)


def test_a_passage_already_stored_reuses_its_vector(setup):
    folder, stores, spy = setup
    Ingestor(stores.catalogue, spy, stores.embedder, ThemeTagger()).run([folder])
    minutes = (folder / "minutes.txt").read_text("utf-8")
    extra = "Item 5. Any other business\n\nMembers thanked the officers for the refuge report and its figures.\n"
    (folder / "minutes-again.txt").write_text(minutes + "\n" + extra, "utf-8")
    report = Ingestor(stores.catalogue, spy, stores.embedder, ThemeTagger()).run([folder])
    (again,) = [r for r in report.results if r.status == "added"]
    ids = {o.passage_id for o in stores.catalogue.occurrences(again.doc_id)}
    elsewhere = {pid for pid, records in stores.catalogue.record_ids_of(list(ids)).items()
                 if any(not r.startswith(f"{again.doc_id}:") for r in records)}
    assert elsewhere and ids - elsewhere  # the copy shares passages with the minutes, and has its own
    assert report.timings.embedded == len(ids - elsewhere)  # only its own were embedded
    assert check(stores.catalogue, stores.vectors).consistent


def test_each_batch_is_encoded_in_one_call_of_its_passages_then_their_sentences(setup, monkeypatch):
    """The calls the model gets decide the int8 vectors (activations are quantised per batch), so they stay
    what they were before reading and tagging overlapped embedding: per batch of files, in file order, each new
    passage with its title and heading, then every passage's answer sentences."""
    from ingest import pipeline
    from ingest.discover import discover
    from kb.sentences import answer_sentences

    folder, stores, spy = setup
    monkeypatch.setattr(pipeline, "BATCH_FILES", 2)
    calls: list[list[str]] = []
    encode = stores.embedder.encode
    monkeypatch.setattr(stores.embedder, "encode", lambda texts, *a, **k: calls.append(list(texts)) or encode(texts))
    Ingestor(stores.catalogue, spy, stores.embedder, ThemeTagger()).run([folder])
    expected, files, stored = [], [pipeline.read_document(f) for f in discover([folder]).files], set()
    for at in range(0, len(files), 2):  # a passage stored by an earlier batch is not embedded again
        group = {p.passage_id: (meta, p) for meta, passages, _ in files[at : at + 2] for p in passages
                 if p.passage_id not in stored}
        stored |= set(group)
        expected.append([pipeline.embedding_text(m, p) for m, p in group.values()]
                        + [s for _, p in group.values() for s in answer_sentences(p.text)])
    assert calls == expected


def test_a_new_file_at_the_path_a_document_moved_from_does_not_replace_it(setup):
    """A move keeps the document's id, which was made from its old path: a new file there needs another."""
    folder, stores, spy = setup
    run = lambda: {r.path.name: r.status for r in  # noqa: E731
                   Ingestor(stores.catalogue, spy, stores.embedder, ThemeTagger()).run([folder]).results
                   if r.status not in ("unchanged", "skipped")}
    run()
    (folder / "swap.txt").rename(folder / "swap-moved.txt")
    assert run() == {"swap-moved.txt": "moved"}
    (folder / "swap.txt").write_text("A new briefing note on refuge funding in Westvale, agreed in March.\n", "utf-8")
    assert run() == {"swap.txt": "added"}
    names = sorted(Path(d.path).name for d in stores.catalogue.documents())
    assert "swap.txt" in names and "swap-moved.txt" in names
    assert check(stores.catalogue, stores.vectors).consistent


def test_an_ingest_into_a_knowledge_base_without_postings_writes_them(setup):
    """The first ingest by this version into an older knowledge base brings its lexical postings in step."""
    from index.bm25 import own_index

    folder, stores, spy = setup
    catalogue = stores.catalogue
    with catalogue.conn:
        catalogue.conn.execute("INSERT INTO passages_fts (text, passage_id) VALUES ('older words', 'older')")
    assert own_index(catalogue) is None
    report = Ingestor(catalogue, spy, stores.embedder, ThemeTagger()).run([folder])
    assert any("own postings were written anew" in note for note in report.notes)
    assert own_index(catalogue).count('"older"') == 1
    again = Ingestor(catalogue, spy, stores.embedder, ThemeTagger()).run([folder])
    assert not any("postings" in note for note in again.notes)
