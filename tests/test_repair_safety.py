"""`dhr check --repair` never deletes what it cannot account for without --force, and says what it deletes.

Real SQLite and real Chroma; the fake embedder builds the knowledge base, and these repairs only
delete, so no model loads.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.vectors import VectorStore
from kb.catalogue import Catalogue
from kb.config import Settings
from tests.clirun import dhr


@pytest.fixture
def kb(small_kb_copy: Path) -> Path:
    """A copy of the shared small knowledge base (conftest), to damage."""
    return small_kb_copy


def vector_count(kb: Path) -> int:
    return VectorStore(Settings(db=kb), read_only=True).count()


def test_a_catalogue_emptied_is_reported_and_repair_refuses_to_delete_the_vectors_without_force(kb: Path):
    held = vector_count(kb)
    assert held > 0
    (kb / "catalogue.sqlite3").write_bytes(b"")

    checked = dhr("check", "--db", str(kb))  # a read-only check: an empty file is a damaged catalogue
    assert checked.exit_code == 2 and "is damaged (it is empty)" in checked.output

    refused = dhr("check", "--repair", "--db", str(kb))
    assert refused.exit_code == 2, refused.output
    assert "Traceback" not in refused.output
    assert "the catalogue looks lost or replaced" in refused.output
    assert f"{held} vector(s)" in refused.output and "--force" in refused.output
    assert "Repaired" not in refused.output
    assert vector_count(kb) == held  # nothing deleted

    forced = dhr("check", "--repair", "--force", "--db", str(kb))
    assert forced.exit_code == 0, forced.output
    said = f"Repair will delete {held} vector(s) in Chroma of 6 document(s) the catalogue does not know"
    assert said in forced.output
    assert "Repaired." in forced.output
    assert vector_count(kb) == 0


def test_a_catalogue_that_lost_its_documents_is_reported_as_lost_by_check(kb: Path):
    catalogue = Catalogue(kb / "catalogue.sqlite3")
    for doc in catalogue.documents():
        catalogue.delete_document(doc.doc_id)
    catalogue.close()
    checked = dhr("check", "--db", str(kb), "--json")
    assert checked.exit_code == 1
    report = json.loads(checked.output)
    assert report["catalogue_looks_lost"] is True
    text = dhr("check", "--db", str(kb)).output
    assert "The catalogue looks lost or replaced: restore catalogue.sqlite3 from a copy" in text
    assert dhr("check", "--repair", "--db", str(kb)).exit_code == 2
    assert vector_count(kb) > 0


def test_a_missing_catalogue_beside_a_vector_store_says_restore_it(kb: Path):
    (kb / "catalogue.sqlite3").unlink()
    for command in (("docs",), ("check",), ("check", "--repair")):
        result = dhr(*command, "--db", str(kb))
        assert result.exit_code == 2, result.output
        assert "catalogue.sqlite3 is missing but the vector store is there: restore" in result.output
    assert vector_count(kb) > 0


def test_an_ordinary_repair_says_what_it_will_delete_before_it_deletes_it(kb: Path):
    catalogue = Catalogue(kb / "catalogue.sqlite3")
    anna = next(d for d in catalogue.documents() if d.title == "DHR Anna")
    catalogue.delete_document(anna.doc_id)  # as a `forget` killed between the catalogue and Chroma leaves it
    catalogue.close()
    held = vector_count(kb)

    checked = dhr("check", "--db", str(kb))
    assert checked.exit_code == 1
    assert f"it will delete 3 vector(s) in Chroma of 1 document(s) the catalogue does not know ({anna.doc_id})" \
        in checked.output
    assert vector_count(kb) == held

    repaired = dhr("check", "--repair", "--db", str(kb))
    assert repaired.exit_code == 0, repaired.output
    lines = repaired.output.splitlines()
    announce = next(i for i, ln in enumerate(lines) if ln.startswith("Repair will delete 3 vector(s)"))
    assert announce < lines.index("Repaired.")
    assert vector_count(kb) == held - 3


def test_postings_out_of_step_are_reported_and_a_repair_writes_them_again(kb: Path):
    """A knowledge base written before the lexical postings were kept (or by an older version) still
    answers, through FTS5; `dhr check` says so and `--repair` writes them, after which searches use them."""
    from index.bm25 import own_index

    cat = Catalogue(kb / "catalogue.sqlite3")
    with cat.conn:
        cat.conn.execute("DELETE FROM lexical_postings")
        cat.conn.execute("DELETE FROM meta WHERE key = 'lexical_postings'")
    assert own_index(cat) is None
    cat.close()
    found = dhr("check", "--db", str(kb))
    assert found.exit_code == 1
    assert "own postings are out of step" in found.output
    repaired = dhr("check", "--repair", "--db", str(kb))
    assert repaired.exit_code == 0, repaired.output
    assert dhr("check", "--db", str(kb)).exit_code == 0
    assert own_index(Catalogue(kb / "catalogue.sqlite3", read_only=True)) is not None
