"""Withdrawal and privacy: `dhr forget` leaves no trace; nothing leaves the machine; files are user-only."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from tests.clirun import dhr
from tests.conftest import SEEDS

pytestmark = pytest.mark.slow
runner = CliRunner()
FUNDING = "\u00a3670,490"



@pytest.fixture(scope="module")
def kb(tmp_path_factory) -> Path:
    """Seeds 000 and 004 (they share the item 17 funding paragraph) and 002."""
    if not SEEDS.is_dir():
        pytest.skip(f"the user's seed texts are not at {SEEDS}")
    folder = tmp_path_factory.mktemp("docs")
    for name in ("000_46a52917dd00bfef.txt", "004_e3f8f148ba7122f1.txt", "002_589c176e9c6d0884.txt"):
        shutil.copy(SEEDS / name, folder / name)
    db = tmp_path_factory.mktemp("forget") / "kb"
    result = dhr("ingest", str(folder), "--db", str(db))
    assert result.exit_code == 0, result.output
    return db


def sql(db: Path, query: str, *params: object) -> list[tuple]:
    conn = sqlite3.connect(db / "catalogue.sqlite3")
    try:
        return conn.execute(query, params).fetchall()
    finally:
        conn.close()


def chroma_count(db: Path, where: dict) -> int:
    from index.vectors import VectorStore
    from kb.config import Settings

    got = VectorStore(Settings(db=db)).collection.get(where=where, include=[])
    return len(got["ids"])


def doc_id_of(db: Path, name: str) -> str:
    ((doc_id,),) = sql(db, "SELECT doc_id FROM documents WHERE path LIKE ?", f"%/{name}")
    return doc_id


def test_forget_removes_every_trace_but_keeps_a_shared_passage_for_the_other_document(kb: Path):
    gone = doc_id_of(kb, "004_e3f8f148ba7122f1.txt")
    keeper = doc_id_of(kb, "000_46a52917dd00bfef.txt")
    own = sql(kb, "SELECT passage_id FROM occurrences WHERE doc_id = ? AND passage_id NOT IN"
                  " (SELECT passage_id FROM occurrences WHERE doc_id != ?)", gone, gone)
    shared = sql(kb, "SELECT DISTINCT o.passage_id FROM occurrences o JOIN occurrences k USING (passage_id)"
                     " WHERE o.doc_id = ? AND k.doc_id = ?", gone, keeper)
    assert own and shared, "seeds 000 and 004 must share item 17 and 004 must have passages of its own"
    own_ids = [r[0] for r in own]
    ((distinctive,),) = sql(kb, "SELECT text FROM passages WHERE passage_id = ?", own_ids[0])
    assert chroma_count(kb, {"doc_id": gone}) > 0

    result = dhr("forget", gone[:10], "--yes", "--db", str(kb))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Forgot ")

    marks = ",".join("?" * len(own_ids))
    assert sql(kb, "SELECT * FROM documents WHERE doc_id = ?", gone) == []
    assert sql(kb, "SELECT * FROM occurrences WHERE doc_id = ?", gone) == []
    assert sql(kb, f"SELECT * FROM passages WHERE passage_id IN ({marks})", *own_ids) == []
    assert sql(kb, f"SELECT * FROM passage_themes WHERE passage_id IN ({marks})", *own_ids) == []
    assert sql(kb, f"SELECT * FROM passages_fts WHERE passage_id IN ({marks})", *own_ids) == []
    assert sql(kb, "SELECT COUNT(*) FROM passages_fts WHERE passages_fts MATCH ?",
               '"' + " ".join(distinctive.split()[:6]).replace('"', "") + '"') == [(0,)]
    assert chroma_count(kb, {"doc_id": gone}) == 0
    assert chroma_count(kb, {"passage_id": {"$in": own_ids}}) == 0
    # nor are its words left in the files' free pages (SQLite's secure delete)
    words = " ".join(distinctive.split()[:8]).encode("utf-8")
    for path in kb.rglob("*"):
        if path.is_file():
            assert words not in path.read_bytes(), path

    # nothing of it can be found by asking for its own words
    asked = json.loads(dhr("ask", " ".join(distinctive.split()[:25]), "--db", str(kb), "--json", "--top", "20",
                           "--per-doc", "0").output)
    assert all(s["path"].endswith("004_e3f8f148ba7122f1.txt") is False for r in asked for s in r["sources"])
    assert all(r["text"] != distinctive for r in asked)

    # the shared item 17 paragraph survives, with only the other document as its source
    hits = json.loads(dhr("ask", "how much does each partner contribute to the domestic abuse contract",
                          "--db", str(kb), "--json").output)
    funding = [r for r in hits if FUNDING in r["text"]]
    assert len(funding) == 1
    assert [Path(s["path"]).name for s in funding[0]["sources"]] == ["000_46a52917dd00bfef.txt"]
    for (pid,) in shared:
        assert sql(kb, "SELECT doc_id FROM occurrences WHERE passage_id = ?", pid) == [(keeper,)]
        assert chroma_count(kb, {"passage_id": pid}) == 1

    check = dhr("check", "--db", str(kb), "--json")
    assert json.loads(check.output)["consistent"], check.output
    docs = json.loads(dhr("docs", "--db", str(kb), "--json").output)
    assert sorted(Path(d["path"]).name for d in docs) == ["000_46a52917dd00bfef.txt", "002_589c176e9c6d0884.txt"]


def test_forget_an_unknown_document_changes_nothing(kb: Path):
    before = json.loads(dhr("docs", "--db", str(kb), "--json").output)
    result = runner.invoke(app, ["forget", "nosuchdoc", "--yes", "--db", str(kb)])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: no document matches 'nosuchdoc'")
    assert json.loads(dhr("docs", "--db", str(kb), "--json").output) == before


def test_chroma_telemetry_is_off():
    from chromadb.config import Settings as ChromaSettings

    from index import vectors  # noqa: F401 - importing it sets the environment default

    assert os.environ.get("ANONYMIZED_TELEMETRY") == "False"
    assert ChromaSettings().anonymized_telemetry is False


def test_ingest_and_ask_open_no_network_connection(tmp_path: Path, no_network):
    if not SEEDS.is_dir():
        pytest.skip(f"the user's seed texts are not at {SEEDS}")
    db = tmp_path / "kb"
    assert dhr("ingest", str(SEEDS / "003_1200f12c2ebf2d1a.txt"), "--db", str(db)).exit_code == 0
    assert dhr("ask", "domestic abuse", "--db", str(db), "--json").exit_code == 0
    assert dhr("check", "--db", str(db)).exit_code == 0
    assert no_network == []


def test_the_data_directory_and_its_files_are_readable_by_the_user_only(tmp_path: Path):
    if not SEEDS.is_dir():
        pytest.skip(f"the user's seed texts are not at {SEEDS}")
    db = tmp_path / "deep" / "kb"
    old = os.umask(0o022)  # a typical permissive umask: the knowledge base must not inherit it
    try:
        assert dhr("ingest", str(SEEDS / "003_1200f12c2ebf2d1a.txt"), "--db", str(db)).exit_code == 0
        assert dhr("ask", "domestic abuse", "--db", str(db)).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(db.stat().st_mode) == 0o700
    assert stat.S_IMODE((db / "catalogue.sqlite3").stat().st_mode) == 0o600
    loose = []
    for path in db.rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            loose.append(f"{path.relative_to(db)} {oct(mode)}")
    assert loose == [], loose


def test_messages_never_print_a_whole_passage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A file that fails part-way (known text, then too large) or is refused: its text is not echoed."""
    secret = ("The victim told her sister on the telephone that she was frightened of what he would do next. ")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "big.txt").write_text(secret * 300, "utf-8")
    (folder / "page.html").write_text("<html><body><script>" + secret + "</script><nav>" + secret + "</nav>"
                                      "</body></html>", "utf-8")
    (folder / "fake.docx").write_text(secret * 3, "utf-8")
    monkeypatch.setattr("ingest.text.MAX_TEXT_BYTES", 4096)
    result = runner.invoke(app, ["ingest", str(folder), "--db", str(tmp_path / "kb")])
    assert result.exit_code == 1
    assert result.output.count("failed  ") == 3, result.output
    sentence = secret.strip()
    assert sentence not in result.output
    assert "frightened of what he would do" not in result.output
