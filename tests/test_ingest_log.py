"""What `dhr ingest` says as it goes and when it ends: a log that survives `kill -9`, exit codes that tell
"nothing to do" from success, sources gone from a folder (and `--prune`), and counts that stay true when
a `forget` comes in during an ingest.

Real processes writing to real files, real SQLite and Chroma; the fake embedder (tests/fakecli.py).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.stores import Stores
from kb.catalogue import Catalogue
from tests.clirun import dhr
from tests.conftest import ROOT
from tests.fakes import FakeEmbedder
from tests.smallkb import build_folder

LINE = re.compile(r"^\[(\d+)/(\d+)\] +(added|updated|unchanged|duplicate|moved|failed)  (\S+)")


def start(args: list[str], log: Path, *, batch_files: int = 32, encode_seconds: float = 0.0) -> subprocess.Popen:
    """`dhr ARGS` in its own process, stdout and stderr to `log` (a file: not a terminal)."""
    env = {**os.environ, "FAKECLI_BATCH_FILES": str(batch_files), "FAKECLI_ENCODE_SECONDS": str(encode_seconds)}
    with log.open("w") as out:
        return subprocess.Popen([sys.executable, "-m", "tests.fakecli", *args], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)


def wait_for(condition, proc: subprocess.Popen, what: str, seconds: float = 120) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while not condition():
        assert proc.poll() is None, f"the process ended before {what}"
        assert time.monotonic() < deadline, f"no {what} after {seconds}s"
        time.sleep(0.05)


def many_files(folder: Path, n: int) -> Path:
    folder.mkdir(exist_ok=True)
    for i in range(n):
        (folder / f"review_{i:02d}.txt").write_text(
            f"Lessons learned\n\n{i}.1 Agency {i} did not share what it knew about the risk to victim {i} with "
            f"the police or the GP, and no referral to MARAC was made for case {i} although the risk was high.\n",
            encoding="utf-8")
    return folder


def documents_in(db: Path) -> list[str]:
    catalogue = Catalogue(db / "catalogue.sqlite3", read_only=True)
    try:
        return [d.path for d in catalogue.documents()]
    finally:
        catalogue.close()


@pytest.mark.slow  # separate processes that start the whole stack (not the model)
def test_a_log_written_to_a_file_gets_one_numbered_line_per_file_then_the_totals(tmp_path: Path):
    (tmp_path / "docs").mkdir()
    folder = build_folder(tmp_path / "docs")
    proc = start(["ingest", str(folder), "--db", str(tmp_path / "kb")], tmp_path / "ingest.log")
    assert proc.wait(timeout=300) == 0
    lines = (tmp_path / "ingest.log").read_text("utf-8").splitlines()
    numbered = [LINE.match(line) for line in lines[:-1]]
    assert all(numbered), lines
    files = sorted(p.name for p in folder.iterdir() if not p.name.endswith(".meta.json"))
    assert sorted(Path(m[4]).name for m in numbered) == files
    assert [int(m[1]) for m in numbered] == list(range(1, len(files) + 1))
    assert {int(m[2]) for m in numbered} == {len(files)}
    stats = Catalogue(tmp_path / "kb" / "catalogue.sqlite3", read_only=True).stats()
    assert lines[-1] == f"{len(files)} added, 0 failed. The knowledge base holds {len(files)} documents, " \
                        f"{stats['passages']} passages."


@pytest.mark.slow  # separate processes that start the whole stack (not the model)
def test_with_json_the_output_is_one_json_document_and_nothing_else(tmp_path: Path):
    folder = many_files(tmp_path / "docs", 3)
    proc = start(["ingest", str(folder), "--db", str(tmp_path / "kb"), "--json"], tmp_path / "ingest.json")
    assert proc.wait(timeout=300) == 0
    report = json.loads((tmp_path / "ingest.json").read_text("utf-8"))
    assert report["counts"]["added"] == 3 and len(report["files"]) == 3
    assert report["exit_code"] == 0


@pytest.mark.slow  # separate processes that start the whole stack (not the model)
def test_a_log_keeps_every_file_written_before_a_kill_9(tmp_path: Path):
    folder = many_files(tmp_path / "docs", 12)
    db, log = tmp_path / "kb", tmp_path / "ingest.log"
    proc = start(["ingest", str(folder), "--db", str(db)], log, batch_files=1, encode_seconds=0.5)
    try:
        wait_for(lambda: len(log.read_text("utf-8").splitlines()) >= 3, proc, "three lines in the log")
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=60) == -signal.SIGKILL
    finally:
        proc.kill()
    text = log.read_text("utf-8")
    assert text.endswith("\n")  # whole lines only
    logged = [LINE.match(line) for line in text.splitlines()]
    assert all(m and m[3] == "added" for m in logged), text
    assert len(logged) < 12, "the ingest ended before the kill: the test proves nothing"
    held = set(documents_in(db))
    assert {m[4] for m in logged} <= held  # every file the log says was added is in the knowledge base


# --- exit codes and closing lines, in-process with the fake embedder -----------------------------



@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Stores, "embedder", property(lambda self: FakeEmbedder()))



def test_an_empty_folder_is_nothing_to_ingest_exit_3(tmp_path: Path, fake_model):  # noqa: ANN001
    (tmp_path / "empty").mkdir()
    result = dhr("ingest", str(tmp_path / "empty"), "--db", str(tmp_path / "kb"))
    assert result.exit_code == 3, result.output
    assert f"No readable files found in {tmp_path / 'empty'}: nothing to ingest." in result.output
    assert "0 added" not in result.output


def test_a_folder_of_files_passed_over_is_nothing_to_ingest_and_says_why(tmp_path: Path, fake_model):  # noqa: ANN001
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "README.md").write_text("# What this folder is\n\nNotes about the reviews.\n", "utf-8")
    os.mkfifo(folder / "pipe.txt")
    result = dhr("ingest", str(folder), "--db", str(tmp_path / "kb"), "--json")
    assert result.exit_code == 3, result.output
    report = json.loads(result.output)
    assert {f["status"] for f in report["files"]} == {"skipped"} and len(report["files"]) == 2
    text = dhr("ingest", str(folder), "--db", str(tmp_path / "kb")).output
    assert "skipped" in text and "No readable files found in" in text


def test_unchanged_files_are_success_and_a_failed_file_is_exit_1(tmp_path: Path, fake_model):  # noqa: ANN001
    folder = many_files(tmp_path / "docs", 3)
    db = str(tmp_path / "kb")
    first = dhr("ingest", str(folder), "--db", db)
    assert first.exit_code == 0
    assert [ln.split()[:2] for ln in first.output.splitlines()[:3]] == [["[1/3]", "added"], ["[2/3]", "added"],
                                                                          ["[3/3]", "added"]]  # not a terminal
    again = dhr("ingest", str(folder), "--db", db)
    assert again.exit_code == 0, again.output
    assert "0 added, 3 unchanged, 0 failed." in again.output
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a PDF")
    failed = dhr("ingest", str(folder), "--db", db)
    assert failed.exit_code == 1
    assert "failed  " in failed.output and "broken.pdf" in failed.output


def test_a_source_gone_from_the_folder_is_reported_and_prune_withdraws_it(tmp_path: Path, fake_model):  # noqa: ANN001
    folder = many_files(tmp_path / "docs", 4)
    db = str(tmp_path / "kb")
    assert dhr("ingest", str(folder), "--db", db).exit_code == 0
    gone = folder / "review_02.txt"
    gone.unlink()

    noticed = dhr("ingest", str(folder), "--db", db)
    assert noticed.exit_code == 0, noticed.output
    assert f"missing source  {gone} (use --prune to withdraw)" in noticed.output
    assert len(documents_in(tmp_path / "kb")) == 4  # reported, not withdrawn

    pruned = dhr("ingest", str(folder), "--db", db, "--prune", "--json")
    assert pruned.exit_code == 0, pruned.output
    report = json.loads(pruned.output)
    assert report["pruned"] == [str(gone)] and report["knowledge_base"]["documents"] == 3
    assert str(gone) not in documents_in(tmp_path / "kb") and len(documents_in(tmp_path / "kb")) == 3
    checked = dhr("check", "--db", db)
    assert checked.exit_code == 0 and "Consistent" in checked.output and "missing source" not in checked.output


def test_prune_only_withdraws_sources_from_the_folders_given(tmp_path: Path, fake_model):  # noqa: ANN001
    here, there = many_files(tmp_path / "here", 2), tmp_path / "there"
    there.mkdir()
    (there / "other.txt").write_text((here / "review_00.txt").read_text("utf-8").replace("Agency", "Service"), "utf-8")
    db = str(tmp_path / "kb")
    assert dhr("ingest", str(here), str(there), "--db", db).exit_code == 0
    (there / "other.txt").unlink()
    result = dhr("ingest", str(here), "--db", db, "--prune")
    assert result.exit_code == 0, result.output
    assert "pruned" not in result.output and str(there / "other.txt") in documents_in(tmp_path / "kb")


@pytest.mark.slow  # separate processes that start the whole stack (not the model)
def test_a_forget_or_repair_during_an_ingest_waits_and_the_ingests_closing_count_is_true(tmp_path: Path):
    db, log = tmp_path / "kb", tmp_path / "ingest.log"
    first = tmp_path / "first"
    first.mkdir()
    (first / "old.txt").write_text("Lessons learned\n\n1.1 The housing officer did not ask about domestic abuse at "
                                   "the tenancy visit although the neighbours had reported shouting twice.\n", "utf-8")
    assert start(["ingest", str(first), "--db", str(db)], tmp_path / "first.log").wait(timeout=300) == 0
    [old] = documents_in(db)
    folder = many_files(tmp_path / "docs", 6)
    ingesting = start(["ingest", str(folder), "--db", str(db)], log, batch_files=1, encode_seconds=0.5)
    try:
        wait_for(lambda: log.read_text("utf-8").startswith("[1/6]"), ingesting, "the first file in the log")
        forgetting = start(["forget", old, "--yes", "--db", str(db)], tmp_path / "forget.log")
        wait_for(lambda: "Waiting for the ingest" in (tmp_path / "forget.log").read_text("utf-8"), forgetting,
                 "the forget saying it waits")
        repairing = start(["check", "--repair", "--db", str(db)], tmp_path / "check.log")
        wait_for(lambda: "Waiting for the ingest" in (tmp_path / "check.log").read_text("utf-8"), repairing,
                 "the repair saying it waits")
        assert ingesting.wait(timeout=300) == 0
        assert forgetting.wait(timeout=300) == 0
        assert repairing.wait(timeout=300) == 0
    finally:
        ingesting.kill()
    said = (tmp_path / "forget.log").read_text("utf-8")
    assert f"(pid {ingesting.pid}) to finish" in said and f"({old})" in said
    closing = log.read_text("utf-8").splitlines()[-1]
    assert closing.startswith("6 added, 0 failed. The knowledge base holds 7 documents")  # true when it ended
    assert len(documents_in(db)) == 6 and old not in documents_in(db)  # the forget came after
