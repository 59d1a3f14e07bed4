"""Past one machine: the same CLI against a real Chroma server started on 127.0.0.1 for the test."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    exe = Path(sys.executable).with_name("chroma")
    if not exe.exists():
        exe = Path(shutil.which("chroma") or "chroma")
    port = free_port()
    log = (tmp_path / "chroma.log").open("w")
    proc = subprocess.Popen([str(exe), "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1)  # noqa: S310 - loopback only
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"chroma run exited: {(tmp_path / 'chroma.log').read_text()[-2000:]}")
                time.sleep(0.2)
        else:
            pytest.fail("chroma server did not answer within 20 s")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def test_ingest_and_ask_against_a_chroma_server(tmp_path, seeds_dir, chroma_server, monkeypatch):
    runner = CliRunner()
    db = tmp_path / "catalogue-only"
    monkeypatch.setenv("DHR_CHROMA_URL", chroma_server)
    result = runner.invoke(app, ["ingest", str(seeds_dir / "000_46a52917dd00bfef.txt"),
                                 str(seeds_dir / "004_e3f8f148ba7122f1.txt"), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert not (db / "chroma").exists(), "with a server named, no embedded store is created"
    out = runner.invoke(app, ["ask", "annual contribution of the County Council to the contract", "--db", str(db),
                              "--json", "--chroma-url", chroma_server])
    assert out.exit_code == 0, out.output
    results = json.loads(out.output)
    funding = [r for r in results if "\u00a3670,490" in r["text"]]
    assert len(funding) == 1 and len(funding[0]["sources"]) == 2
    check = runner.invoke(app, ["check", "--db", str(db), "--json"])
    assert json.loads(check.output)["consistent"] is True


def test_an_unreachable_server_is_a_clear_error_and_writes_nothing(tmp_path, seeds_dir):
    db = tmp_path / "kb"
    result = CliRunner().invoke(app, ["ingest", str(seeds_dir / "000_46a52917dd00bfef.txt"), "--db", str(db),
                                      "--chroma-url", f"http://127.0.0.1:{free_port()}"])
    assert result.exit_code == 2
    assert "cannot reach the Chroma server" in result.output
    assert "Traceback" not in result.output
