"""Crash safety: SIGKILL `dhr ingest` at several points of a large ingest, run it again, lose nothing.

After the kills and one complete re-run, the catalogue holds exactly the passages a clean ingest of
the same folder holds (no duplicates, no orphans, none lost), and the catalogue, the lexical index
and Chroma agree: `dhr check` reports consistent (or does after `dhr check --repair`, if a kill left
vectors orphaned; which of the two happened is recorded)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT, SEEDS

pytestmark = pytest.mark.slow
DHR = [sys.executable, "-c", "from cli import app; app()"]
KILL_DELAYS = (5.0, 7.5, 10.0)  # seconds after start: model load, reading, embedding, writing


def run(*args: str, timeout: int = 240) -> subprocess.CompletedProcess:
    return subprocess.run([*DHR, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env())


def env() -> dict[str, str]:
    return {**os.environ, "ANONYMIZED_TELEMETRY": "False", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def build_folder(folder: Path, copies: int = 8) -> int:
    """The corpus and seeds, plus many text copies of the seeds each with distinct content."""
    folder.mkdir()
    for path in list((CORPUS / "dhr").iterdir()) + list((CORPUS / "committee").iterdir()):
        shutil.copy(path, folder / path.name)
    seeds = sorted(SEEDS.glob("*.txt"))
    for path in seeds:
        shutil.copy(path, folder / path.name)
    for n in range(copies):
        for path in seeds:
            text = path.read_text("utf-8")
            extra = (f"\n\nAddendum {n}: copy number {n} of this record was made for the crash test; "
                     f"it differs from every other copy in this sentence about case {n}-{path.stem}.\n")
            (folder / f"copy{n:02d}_{path.name}").write_text(text + extra, "utf-8")
    return sum(1 for _ in folder.iterdir())


def snapshot(db: Path) -> tuple[set, set, int, int]:
    conn = sqlite3.connect(db / "catalogue.sqlite3")
    try:
        passages = {r[0] for r in conn.execute("SELECT passage_id FROM passages")}
        occurrences = {(Path(r[0]).name, r[1], r[2]) for r in conn.execute(
            "SELECT d.path, o.ordinal, o.passage_id FROM occurrences o JOIN documents d USING (doc_id)"
            " WHERE d.status = 'ok'")}
        n_passages = conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
        n_fts = conn.execute("SELECT COUNT(*) FROM passages_fts").fetchone()[0]
    finally:
        conn.close()
    return passages, occurrences, n_passages, n_fts


def test_killed_ingests_lose_nothing_and_leave_the_stores_in_agreement(tmp_path: Path):
    if not SEEDS.is_dir():
        pytest.skip(f"the user's seed texts are not at {SEEDS}")
    folder = tmp_path / "docs"
    inputs = build_folder(folder)

    clean_db = tmp_path / "clean"
    done = run("ingest", str(folder), "--db", str(clean_db), "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    clean = snapshot(clean_db)

    db = tmp_path / "killed"
    kills = 0
    for delay in KILL_DELAYS:
        proc = subprocess.Popen([*DHR, "ingest", str(folder), "--db", str(db)], cwd=ROOT, env=env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)

    final = run("ingest", str(folder), "--db", str(db), "--json")
    assert final.returncode == 0, final.stderr[-2000:]
    report = json.loads(final.stdout)
    assert report["counts"]["failed"] == 0

    check = run("check", "--db", str(db), "--json")
    first = json.loads(check.stdout)
    repaired = False
    if not first["consistent"]:
        # only vectors a kill left behind (written to Chroma, catalogue row replaced) are acceptable here
        before = first["before"]
        assert not before["missing_vectors"] and not before["orphan_passages"] and not before["fts_mismatch"], before
        fixed = run("check", "--repair", "--db", str(db), "--json")
        assert json.loads(fixed.stdout)["consistent"], fixed.stdout
        repaired = True
    else:
        assert check.returncode == 0

    passages, occurrences, n_passages, n_fts = snapshot(db)
    lost = len(clean[0] - passages)
    extra = len(passages - clean[0])
    print(f"\ncrash safety: {inputs} inputs, {kills} kills survived, {lost} passages lost, {extra} extra, "
          f"repair needed: {repaired}")
    assert kills >= 2, "the ingest finished before the kills: make the folder larger"
    assert lost == 0 and extra == 0
    assert occurrences == clean[1]  # the same passages at the same places, no duplicates
    assert n_passages == len(passages) and n_fts == n_passages
