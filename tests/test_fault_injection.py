"""Fault injection: each store of a real knowledge base damaged in turn, and what every command then
says and does.

The table below is the specification: for each damage (the catalogue cut short, the Chroma folder
deleted, the lexical index dropped) and each command, the exit code and what the one line says. Every
command answers in one line or does its job, never with a traceback, and nothing is deleted: the
damaged catalogue is not written over, no vector is lost, and only `check --repair` rebuilds (what the
damage took away; it deletes nothing). The fast tests use the fake embedder; the slow one runs the
real pipeline and the real model in separate processes.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from index.stores import Stores
from index.vectors import VectorStore
from kb.config import Settings
from tests.conftest import CORPUS, ROOT
from tests.fakes import FakeEmbedder


def truncate_catalogue(kb: Path) -> None:
    catalogue = kb / "catalogue.sqlite3"
    catalogue.write_bytes(catalogue.read_bytes()[:8192])


def delete_chroma(kb: Path) -> None:
    shutil.rmtree(kb / "chroma")


def drop_lexical_index(kb: Path) -> None:
    conn = sqlite3.connect(kb / "catalogue.sqlite3")
    conn.execute("DROP TABLE passages_fts")
    conn.commit()
    conn.close()


DAMAGES: dict[str, Callable[[Path], None]] = {
    "catalogue truncated": truncate_catalogue,
    "chroma deleted": delete_chroma,
    "lexical index dropped": drop_lexical_index,
}
COMMANDS = {
    "docs": ["docs"],
    "ask": ["ask", "information sharing between the GP and the police"],
    "themes": ["themes"],
    "check": ["check"],
    "check --repair": ["check", "--repair"],
    "ingest": ["ingest", "{docs}"],
}
DAMAGED = "is damaged (it is cut short: 8192 bytes of"
RESTORE_CATALOGUE = "restore catalogue.sqlite3 from a copy or a backup"
NO_VECTORS = "the vector store {kb}/chroma is missing: restore it from a copy or a backup, or run `dhr check --repair`"
NO_FTS = "has lost its lexical index (passages_fts): run `dhr check --repair` to rebuild it"
LISTED = "DHR \u2018Anna\u2019 (Northbridge"  # the command did its job: the documents are listed by name
REBUILT = "Repaired."

TABLE = [
    # damage                  command           exit  what it says
    ("catalogue truncated",   "docs",           2,    DAMAGED),
    ("catalogue truncated",   "ask",            2,    DAMAGED),
    ("catalogue truncated",   "themes",         2,    DAMAGED),
    ("catalogue truncated",   "check",          2,    RESTORE_CATALOGUE),
    ("catalogue truncated",   "check --repair", 2,    RESTORE_CATALOGUE),
    ("catalogue truncated",   "ingest",         2,    RESTORE_CATALOGUE),
    ("chroma deleted",        "docs",           0,    LISTED),
    ("chroma deleted",        "ask",            2,    NO_VECTORS),
    ("chroma deleted",        "themes",         0,    "Themes ranked by the number of reviews"),
    ("chroma deleted",        "check",          2,    NO_VECTORS),
    ("chroma deleted",        "check --repair", 0,    REBUILT),
    ("chroma deleted",        "ingest",         2,    NO_VECTORS),
    ("lexical index dropped", "docs",           2,    NO_FTS),
    ("lexical index dropped", "ask",            2,    NO_FTS),
    ("lexical index dropped", "themes",         2,    NO_FTS),
    ("lexical index dropped", "check",          2,    NO_FTS),
    ("lexical index dropped", "check --repair", 0,    REBUILT),
    ("lexical index dropped", "ingest",         2,    NO_FTS),
]


def vector_ids(kb: Path) -> set[str]:
    return VectorStore(Settings(db=kb), read_only=True).all_ids()


@pytest.fixture(scope="module")
def built(small_kb: Path) -> tuple[Path, Path, set[str]]:
    return small_kb.parent / "docs", small_kb, vector_ids(small_kb)


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Stores, "embedder", property(lambda self: FakeEmbedder()))


def said(exit_code: int, output: str, expected_code: int, expected: str) -> None:
    assert "Traceback" not in output, output
    assert exit_code == expected_code, output
    assert expected in output, output
    if expected_code == 2:
        lines = [ln for ln in output.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith("Error: "), output


@pytest.mark.parametrize(("damage", "command", "exit_code", "message"), TABLE,
                         ids=[f"{d}-{c}" for d, c, _, _ in TABLE])
def test_what_each_command_says_about_each_damaged_store(built, tmp_path: Path, fake_model,  # noqa: ANN001
                                                         damage: str, command: str, exit_code: int, message: str):
    docs, original, held = built
    kb = tmp_path / "kb"
    shutil.copytree(original, kb)
    DAMAGES[damage](kb)
    catalogue = (kb / "catalogue.sqlite3").read_bytes()

    args = [a.format(docs=docs) for a in COMMANDS[command]]
    result = CliRunner().invoke(app, [*args, "--db", str(kb)])
    said(result.exit_code, result.output, exit_code, message.format(kb=kb))

    if command != "check --repair":  # nothing written over the damaged catalogue, nothing deleted
        assert (kb / "catalogue.sqlite3").read_bytes() == catalogue
    if damage == "chroma deleted" and command != "check --repair":
        assert not (kb / "chroma").exists()  # not replaced by a new, empty store
    elif damage != "chroma deleted" or exit_code == 0:
        assert vector_ids(kb) == held  # every vector still there (or, after the repair, rebuilt)
    if exit_code == 0 and command == "check --repair":
        assert CliRunner().invoke(app, ["check", "--db", str(kb)]).exit_code == 0


def test_repair_of_a_lost_catalogue_deletes_nothing_without_force(built, tmp_path: Path):  # noqa: ANN001
    _, original, held = built
    kb = tmp_path / "kb"
    shutil.copytree(original, kb)
    (kb / "catalogue.sqlite3").unlink()
    (kb / "catalogue.sqlite3").touch()  # replaced by an empty file
    result = CliRunner().invoke(app, ["check", "--repair", "--db", str(kb)])
    said(result.exit_code, result.output, 2, "--force")
    assert vector_ids(kb) == held


def real_dhr(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from cli import app; app()", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["catalogue truncated", "chroma deleted"])
def test_the_same_table_holds_for_the_real_pipeline(tmp_path: Path, damage: str):
    """Real ingest, real model, each command in its own process."""
    pdfs = sorted((CORPUS / "dhr").glob("northbridge*.pdf"))
    if not pdfs:
        pytest.skip("the sample corpus is not there")
    docs, pristine = tmp_path / "docs", tmp_path / "pristine"
    docs.mkdir()
    shutil.copy(pdfs[0], docs)
    assert real_dhr("ingest", str(docs), "--db", str(pristine)).returncode == 0
    for d, command, exit_code, message in TABLE:
        if d != damage:
            continue
        kb = tmp_path / ("kb-" + command.replace(" ", "_"))
        shutil.copytree(pristine, kb)
        DAMAGES[damage](kb)
        args = [a.format(docs=docs) for a in COMMANDS[command]]
        result = real_dhr(*args, "--db", str(kb))
        expected = "Northbridge" if message == LISTED else message.format(kb=kb)
        said(result.returncode, result.stdout + result.stderr, exit_code, expected)
