"""Shared fixtures: where the seeds and the sample corpus are, and a knowledge base in tmp_path."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SEEDS = ROOT.parent / "shared" / "seeds"

# Telemetry and hub access off for every test, as in production.
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"the user's seed texts are not at {SEEDS} (they live in ../shared/seeds beside the repo)")
    return SEEDS


def seed(name_prefix: str) -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"the user's seed texts are not at {SEEDS}")
    return next(SEEDS.glob(name_prefix + "*.txt"))


def labelled_documents() -> list[dict]:
    """The sample corpus's labels (corpus/labels.json): type, date, area, case and recommendations per file."""
    path = CORPUS / "labels.json"
    if not path.exists():
        pytest.skip("corpus/labels.json is not there yet")
    return json.loads(path.read_text("utf-8"))["documents"]


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory) -> Path:
    """The labelled sample documents, ingested once per test run through `dhr ingest`. Tests only read it."""
    from typer.testing import CliRunner

    from cli import app

    paths = [str(CORPUS / d["path"]) for d in labelled_documents() if (CORPUS / d["path"]).exists()]
    db = tmp_path_factory.mktemp("corpus") / "kb"
    result = CliRunner().invoke(app, ["ingest", *paths, "--db", str(db)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty knowledge base folder, also set as $DHR_DB so the CLI uses it."""
    path = tmp_path / "kb"
    monkeypatch.setenv("DHR_DB", str(path))
    monkeypatch.delenv("DHR_CHROMA_URL", raising=False)
    return path


class NetworkBlocked(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Fail any attempt to open a network connection (AF_UNIX socketpairs stay allowed)."""
    attempts: list[tuple] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded(kind):
        def connect(self, address):  # noqa: ANN001, ANN202
            if self.family in (socket.AF_INET, socket.AF_INET6):
                attempts.append((kind, address))
                raise NetworkBlocked(f"network connection attempted to {address!r}")
            return (real_connect if kind == "connect" else real_connect_ex)(self, address)

        return connect

    def no_dns(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        attempts.append(("getaddrinfo", args))
        raise NetworkBlocked(f"DNS lookup attempted for {args[:1]!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded("connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", guarded("connect_ex"))
    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: no_dns(*a))
    return attempts


@pytest.fixture(scope="session")
def small_kb(tmp_path_factory) -> Path:
    """tests/smallkb.py's knowledge base (its files in the sibling folder `docs`), built once per run with the
    fake embedder. Tests only read it; `small_kb_copy` is one to damage or change."""
    from tests.smallkb import build_kb

    top = tmp_path_factory.mktemp("smallkb")
    (top / "docs").mkdir()
    build_kb(top / "docs", top / "kb")
    return top / "kb"


@pytest.fixture
def small_kb_copy(small_kb: Path, tmp_path: Path) -> Path:
    import shutil

    return Path(shutil.copytree(small_kb, tmp_path / "kb"))
