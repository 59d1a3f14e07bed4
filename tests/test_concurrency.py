"""Two ingests at once: the second stops at once (the lock) or waits with --wait; `dhr ask` keeps working."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT, SEEDS

pytestmark = pytest.mark.slow
DHR = [sys.executable, "-c", "from cli import app; app()"]


def env() -> dict[str, str]:
    return {**os.environ, "ANONYMIZED_TELEMETRY": "False", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def run(*args: str, timeout: int = 240) -> subprocess.CompletedProcess:
    return subprocess.run([*DHR, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env())


def lock_held(db: Path) -> bool:
    import fcntl

    path = db / "kb.lock"
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def test_a_second_ingest_stops_at_once_or_waits_and_ask_keeps_working(tmp_path: Path):
    if not SEEDS.is_dir():
        pytest.skip(f"the user's seed texts are not at {SEEDS}")
    db = tmp_path / "kb"
    first = run("ingest", str(SEEDS / "000_46a52917dd00bfef.txt"), "--db", str(db))
    assert first.returncode == 0, first.stderr

    big = tmp_path / "big"
    big.mkdir()
    for path in (CORPUS / "dhr").iterdir():
        shutil.copy(path, big / path.name)
    for n in range(10):
        for path in sorted(SEEDS.glob("*.txt")):
            (big / f"c{n}_{path.name}").write_text(path.read_text("utf-8") + f"\n\nCopy {n} note {n}.\n", "utf-8")
    other = tmp_path / "other.txt"
    other.write_text((SEEDS / "003_1200f12c2ebf2d1a.txt").read_text("utf-8") + "\n\nThe other file.\n", "utf-8")

    holder = subprocess.Popen([*DHR, "ingest", str(big), "--db", str(db)], cwd=ROOT, env=env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not lock_held(db):
            assert holder.poll() is None, holder.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)

        start = time.monotonic()
        second = run("ingest", str(other), "--db", str(db))
        refused_in = time.monotonic() - start
        assert second.returncode == 2, second.stderr
        assert second.stderr.startswith(f"Error: another ingest is running on {db} (pid {holder.pid})"), second.stderr
        assert "--wait" in second.stderr
        assert "Traceback" not in second.stderr
        assert refused_in < 10, f"the second ingest took {refused_in:.1f}s to stop (the lock comes before the model)"

        asked = run("ask", "how much does each partner contribute to the domestic abuse contract", "--db", str(db),
                    "--json")
        assert asked.returncode == 0, asked.stderr
        assert any("\u00a3670,490" in r["text"] for r in json.loads(asked.stdout))
        still_running = holder.poll() is None

        waiter = subprocess.Popen([*DHR, "ingest", str(other), "--db", str(db), "--wait", "--json"], cwd=ROOT,
                                  env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        out, err = holder.communicate(timeout=300)
        assert holder.returncode == 0, err
        w_out, w_err = waiter.communicate(timeout=300)
        assert waiter.returncode == 0, w_err
        assert [f["status"] for f in json.loads(w_out)["files"]] == ["added"]
    finally:
        for p in (holder,):
            if p.poll() is None:
                p.kill()
    print(f"\nconcurrency: refused in {refused_in:.1f}s; ask answered while the ingest ran: {still_running}")
    assert still_running, "the ingest ended before `ask` answered: make the folder larger"
    check = run("check", "--db", str(db), "--json")
    assert json.loads(check.stdout)["consistent"]
