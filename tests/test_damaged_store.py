"""A knowledge base that is odd or damaged gives one line saying what is wrong and what to do.

`--db` naming a file, a read-only knowledge base (which can still be queried, with nothing written),
and a catalogue cut short or replaced by garbage. Real files, real SQLite, real Chroma; the fake
embedder builds the knowledge base.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.clirun import dhr

ROOT = Path(__file__).resolve().parents[1]



def one_error_line(result) -> str:  # noqa: ANN001
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ")
    return lines[0]


@pytest.fixture
def kb(small_kb_copy: Path) -> Path:
    """A copy of the shared small knowledge base (conftest), to damage."""
    return small_kb_copy


READ_COMMANDS = [("docs",), ("show", "anna"), ("themes",), ("themes", "show", "alcohol"), ("recommendations",)]


@pytest.mark.parametrize("command", [*READ_COMMANDS, ("check",), ("ingest", "nothing.txt"), ("forget", "anna", "-y")])
def test_db_naming_a_regular_file_is_a_one_line_error(tmp_path: Path, command: tuple[str, ...]):
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("my notes\n", "utf-8")
    line = one_error_line(dhr(*command, "--db", str(not_a_folder)))
    assert f"--db {not_a_folder} is a file, not a knowledge base folder" in line
    assert not_a_folder.read_text("utf-8") == "my notes\n"


def cut_short(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def garbage(path: Path) -> None:
    path.write_bytes(os.urandom(20_000))


@pytest.mark.parametrize("damage", [cut_short, garbage], ids=["truncated", "garbage"])
@pytest.mark.parametrize("command", [*READ_COMMANDS, ("check",), ("check", "--repair"), ("forget", "anna", "-y"),
                                     ("ask", "information sharing")])
def test_a_damaged_catalogue_gives_one_line_saying_restore_it(kb: Path, damage, command: tuple[str, ...]):  # noqa: ANN001
    catalogue = kb / "catalogue.sqlite3"
    damage(catalogue)
    before = catalogue.read_bytes()
    line = one_error_line(dhr(*command, "--db", str(kb)))
    assert f"the catalogue {catalogue} is damaged" in line
    assert "restore catalogue.sqlite3 from a copy or a backup" in line
    assert catalogue.read_bytes() == before  # nothing written over it


def test_check_finds_damage_inside_a_catalogue_whose_header_is_sound(kb: Path):
    catalogue = kb / "catalogue.sqlite3"
    data = bytearray(catalogue.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for at in range(page * 2, len(data), page):  # scribble over every page but the schema's
        data[at + 8 : at + 40] = os.urandom(32)
    catalogue.write_bytes(bytes(data))
    line = one_error_line(dhr("check", "--db", str(kb)))
    assert "is damaged" in line and "restore" in line


def snapshot(folder: Path) -> dict[str, tuple[int, int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_mode, p.stat().st_mtime_ns, p.stat().st_size)
            for p in sorted([folder, *folder.rglob("*")])}


@pytest.fixture
def read_only_kb(small_kb: Path) -> Iterator[Path]:
    """A read-only copy: chmod -R a-w, owned by `nobody` when the tests run as root (root ignores modes)."""
    top = Path(tempfile.mkdtemp(prefix="dhr-ro-test-"))
    top.chmod(0o755)
    kb = top / "kb"
    shutil.copytree(small_kb, kb)
    if os.geteuid() == 0:
        shutil.chown(kb, 65534, 65534)
        for p in kb.rglob("*"):
            os.chown(p, 65534, 65534)
    subprocess.run(["chmod", "-R", "a-w", str(kb)], check=True)
    yield kb
    subprocess.run(["chmod", "-R", "u+w", str(kb)], check=True)
    shutil.rmtree(top)


def as_reader(*args: str) -> subprocess.CompletedProcess:
    """Run the CLI as a user who cannot write the read-only knowledge base."""
    prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
    env = {**os.environ, "HOME": tempfile.gettempdir()}
    return subprocess.run([*prefix, sys.executable, str(ROOT / "cli.py"), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("command", [("docs",), ("show", "anna"), ("themes",)])
def test_a_read_only_knowledge_base_can_be_listed_and_nothing_is_written(read_only_kb: Path, command):  # noqa: ANN001
    before = snapshot(read_only_kb)
    result = as_reader(*command, "--db", str(read_only_kb))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.strip()
    assert snapshot(read_only_kb) == before


@pytest.mark.slow
def test_a_read_only_knowledge_base_can_be_checked_and_asked_and_nothing_is_written(read_only_kb: Path):
    before = snapshot(read_only_kb)
    checked = as_reader("check", "--db", str(read_only_kb))
    assert checked.returncode == 0, checked.stderr
    assert "Consistent" in checked.stdout
    asked = as_reader("ask", "information sharing with the GP", "--db", str(read_only_kb), "--json")
    assert asked.returncode == 0, asked.stderr
    assert "DHR Anna" in asked.stdout
    assert snapshot(read_only_kb) == before


def test_a_missing_vector_store_says_how_to_rebuild_it(kb: Path):
    shutil.rmtree(kb / "chroma")
    line = one_error_line(dhr("check", "--db", str(kb)))
    assert f"the vector store {kb / 'chroma'} is missing" in line
    assert "dhr check --repair" in line
    assert not (kb / "chroma").exists()


def drop_lexical_index(kb: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(kb / "catalogue.sqlite3")
    conn.execute("DROP TABLE passages_fts")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("command", [*READ_COMMANDS, ("check",), ("ask", "information sharing")])
def test_a_lost_lexical_index_gives_one_line_saying_repair_rebuilds_it(kb: Path, command: tuple[str, ...]):
    drop_lexical_index(kb)
    line = one_error_line(dhr(*command, "--db", str(kb)))
    assert "has lost its lexical index (passages_fts): run `dhr check --repair` to rebuild it" in line


def test_repair_rebuilds_a_lost_lexical_index_and_deletes_nothing(kb: Path):
    drop_lexical_index(kb)
    repaired = dhr("check", "--repair", "--db", str(kb))
    assert repaired.exit_code == 0, repaired.output
    assert "passage(s) out of step with the lexical index" in repaired.output
    assert "Repair will delete" not in repaired.output
    assert "Repaired." in repaired.output
    assert dhr("check", "--db", str(kb)).exit_code == 0
    assert "DHR \u2018Anna\u2019" in dhr("docs", "--db", str(kb)).output


@pytest.mark.slow
def test_repair_rebuilds_a_deleted_vector_store_from_the_catalogue(kb: Path):
    from index.vectors import VectorStore
    from kb.catalogue import Catalogue
    from kb.config import Settings

    held = len(Catalogue(kb / "catalogue.sqlite3", read_only=True).vector_ids())  # Chroma not opened here first:
    shutil.rmtree(kb / "chroma")  # a client in this process would keep serving the deleted store from memory
    repaired = dhr("check", "--repair", "--db", str(kb))
    assert repaired.exit_code == 0, repaired.output
    assert f"{held} passage occurrence(s) with no vector in Chroma" in repaired.output
    assert "Repair will delete" not in repaired.output and "Repaired." in repaired.output
    assert VectorStore(Settings(db=kb), read_only=True).count() == held
