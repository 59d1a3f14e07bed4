"""`dhr backup DIR` makes a consistent, private copy that restores a damaged knowledge base.

Restoring is documented as: move the damaged folder aside and copy the backup to its place. Real
SQLite and Chroma; the fast tests build the knowledge base with the fake embedder, the slow one with
the real pipeline and the real model, and asks the same question before the damage and after the restore.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kb.config import Settings
from kb.lock import ingest_lock
from tests.clirun import dhr
from tests.conftest import CORPUS, ROOT


@pytest.fixture
def kb(small_kb_copy: Path) -> Path:
    return small_kb_copy


def damage(kb: Path) -> None:
    """The catalogue cut short and the vector store deleted."""
    catalogue = kb / "catalogue.sqlite3"
    catalogue.write_bytes(catalogue.read_bytes()[:4096])
    shutil.rmtree(kb / "chroma")


def restore(backup: Path, kb: Path) -> None:
    """What the README says: move the damaged folder aside, copy the backup to its place."""
    kb.rename(kb.with_name(kb.name + ".damaged"))
    shutil.copytree(backup, kb)


def test_a_backup_is_private_says_what_it_holds_and_is_consistent(kb: Path, tmp_path: Path):
    target = tmp_path / "backups" / "monday"
    result = dhr("backup", str(target), "--db", str(kb), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    listed = json.loads(dhr("docs", "--db", str(kb), "--json").output)
    assert (report["documents"], report["consistent"], report["target"]) == (len(listed), True, str(target))
    assert report["vectors"] >= report["passages"] > 0
    assert report["size"] == sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    assert {p.name for p in target.iterdir()} == {"catalogue.sqlite3", "chroma"}
    for path in [target, *target.rglob("*")]:
        assert path.stat().st_mode & 0o777 == (0o700 if path.is_dir() else 0o600), path
    assert json.loads(dhr("docs", "--db", str(target), "--json").output) == listed
    text = dhr("backup", str(tmp_path / "tuesday"), "--db", str(kb)).output
    assert text.startswith(f"Backed up {len(listed)} documents, {report['passages']} passages, "
                           f"{report['vectors']} vectors to {tmp_path / 'tuesday'} (")
    assert "The copy is consistent." in text


def test_a_backup_restores_a_knowledge_base_whose_stores_were_damaged(kb: Path, tmp_path: Path):
    before = dhr("docs", "--db", str(kb), "--json").output
    assert dhr("backup", str(tmp_path / "copy"), "--db", str(kb)).exit_code == 0
    damage(kb)
    assert dhr("docs", "--db", str(kb)).exit_code == 2
    restore(tmp_path / "copy", kb)
    checked = dhr("check", "--db", str(kb))
    assert checked.exit_code == 0, checked.output
    assert "Consistent" in checked.output
    assert dhr("docs", "--db", str(kb), "--json").output == before


@pytest.mark.parametrize("where", ["not empty", "inside the knowledge base", "a file"])
def test_a_backup_never_writes_over_files_or_into_the_knowledge_base(kb: Path, tmp_path: Path, where: str):
    target = {"not empty": tmp_path / "full", "inside the knowledge base": kb / "backup",
              "a file": tmp_path / "notes.txt"}[where]
    if where == "not empty":
        target.mkdir()
        (target / "keep.txt").write_text("mine\n", "utf-8")
    if where == "a file":
        target.write_text("mine\n", "utf-8")
    def files() -> list[Path]:  # a reader's SQLite side files (-shm, -wal) come and go
        return sorted(p for p in tmp_path.rglob("*") if not p.name.endswith(("-shm", "-wal")))

    before = files()
    result = dhr("backup", str(target), "--db", str(kb))
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and result.output.startswith("Error: ")
    assert files() == before


def test_a_damaged_knowledge_base_is_not_backed_up(kb: Path, tmp_path: Path):
    damage(kb)
    result = dhr("backup", str(tmp_path / "copy"), "--db", str(kb))
    assert result.exit_code == 2 and "is damaged" in result.output
    assert not (tmp_path / "copy").exists()


@pytest.mark.slow  # a separate process that starts the whole stack
def test_a_backup_waits_for_a_running_ingest_and_says_so(kb: Path, tmp_path: Path):
    target, log = tmp_path / "copy", tmp_path / "backup.log"
    with ingest_lock(Settings(db=kb)), log.open("w") as out:  # this test is the running ingest
        proc = subprocess.Popen([sys.executable, "-m", "tests.fakecli", "backup", str(target), "--db", str(kb)],
                                cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while "Waiting for the ingest" not in log.read_text("utf-8"):
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text("utf-8")
            time.sleep(0.05)
        assert not target.exists()  # nothing copied while the ingest holds the lock
    assert proc.wait(timeout=120) == 0, log.read_text("utf-8")
    assert f"(pid {os.getpid()}) to finish" in log.read_text("utf-8")
    assert "The copy is consistent." in log.read_text("utf-8")


def real_dhr(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from cli import app; app()", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)


@pytest.mark.slow
def test_restore_after_damage_gives_the_same_answers_with_the_real_pipeline(tmp_path: Path):
    docs = sorted((CORPUS / "dhr").glob("*.pdf"))[:3]
    if not docs:
        pytest.skip("the sample corpus is not there")
    kb = tmp_path / "kb"
    assert real_dhr("ingest", *map(str, docs), "--db", str(kb)).returncode == 0
    question = ["ask", "missed chances to share information between the GP and the police", "--json", "--db", str(kb)]
    asked = real_dhr(*question)
    assert asked.returncode == 0, asked.stderr
    top = json.loads(asked.stdout)[0]

    backed = real_dhr("backup", str(tmp_path / "copy"), "--db", str(kb))
    assert backed.returncode == 0, backed.stderr
    damage(kb)
    broken = real_dhr(*question)
    assert broken.returncode == 2 and broken.stderr.startswith("Error: ") and "Traceback" not in broken.stderr
    restore(tmp_path / "copy", kb)

    checked = real_dhr("check", "--db", str(kb))
    assert checked.returncode == 0 and "Consistent" in checked.stdout, checked.stdout + checked.stderr
    again = json.loads(real_dhr(*question).stdout)[0]
    assert (again["text"], again["citation"]) == (top["text"], top["citation"])
