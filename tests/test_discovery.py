"""Discovery reads only regular files inside the folder it was given, and never blocks.

A FIFO blocks `open` and /dev/zero never ends, so these tests run under an alarm: a hang fails the
test instead of hanging the suite.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.discover import discover
from ingest.pipeline import Ingestor, file_hash
from ingest.text import read_bytes
from kb.errors import ExtractionError, FileTooLargeError
from kb.tagger import ThemeTagger
from tests.smallkb import open_stores

TEXT = ("1.1 The review found that agencies did not share information about the risk the victim faced "
        "from her partner, and no referral to MARAC was made after the assault.\n")


@contextlib.contextmanager
def within(seconds: int) -> Iterator[None]:
    def hung(*_: object) -> None:
        raise TimeoutError(f"blocked for more than {seconds} s")

    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def reasons(found) -> dict[str, str]:  # noqa: ANN001
    return {p.name: r for p, r in [*found.skipped, *found.missing]}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    f = tmp_path / "in"
    f.mkdir()
    (f / "report.txt").write_text(TEXT, "utf-8")
    return f


def test_a_fifo_a_socket_and_a_device_are_skipped_with_a_reason_and_never_opened(folder: Path):
    os.mkfifo(folder / "pipe.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "sock.txt"))
    (folder / "zero.txt").symlink_to("/dev/zero")
    try:
        with within(10):
            found = discover([folder])
    finally:
        sock.close()
    assert [p.name for p in found.files] == ["report.txt"]
    why = reasons(found)
    assert why["pipe.txt"] == "not a regular file: a FIFO (named pipe); not read"
    assert why["sock.txt"] == "not a regular file: a socket; not read"
    assert why["zero.txt"].startswith("symlink to a file outside")


def test_an_ingest_of_a_folder_with_a_fifo_and_a_link_to_dev_zero_finishes(folder: Path, tmp_path: Path):
    from kb.config import Settings

    os.mkfifo(folder / "pipe.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    stores = open_stores(Settings(db=tmp_path / "kb"))
    with within(60):
        report = Ingestor(stores.catalogue, stores.vectors, stores.embedder, ThemeTagger()).run([folder])
    assert report.counts()["added"] == 1
    assert {r.path.name: r.status for r in report.results} == {
        "report.txt": "added", "pipe.txt": "skipped", "zero.txt": "skipped"}


def test_a_device_named_on_the_command_line_is_refused_not_read(tmp_path: Path):
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    with within(10):
        found = discover([link])
    assert found.files == []
    assert reasons(found) == {"zero.txt": "not a regular file: a device; not read"}


def test_hashing_refuses_a_fifo_without_blocking_and_stops_at_the_size_limit(tmp_path: Path):
    os.mkfifo(tmp_path / "pipe.txt")
    with within(10):
        with pytest.raises(ExtractionError, match="FIFO"):
            file_hash(tmp_path / "pipe.txt")
        with pytest.raises(ExtractionError, match="device"):
            file_hash(Path("/dev/zero"))
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 5000)
    with pytest.raises(FileTooLargeError, match="too large"):
        file_hash(big, limit=4096)
    assert len(file_hash(big, limit=5000)) == 64


def test_a_read_stops_at_the_size_limit_even_when_the_size_said_less():
    with within(10), pytest.raises(FileTooLargeError, match="too large"):
        read_bytes(Path("/dev/zero"), 1024, "text")  # a device's size is 0: only the read can stop it


def test_a_symlink_to_the_parent_is_not_walked(folder: Path, tmp_path: Path):
    (tmp_path / "outside.txt").write_text(TEXT, "utf-8")
    (folder / "loop").symlink_to("..", target_is_directory=True)
    found = discover([folder])
    assert [p.name for p in found.files] == ["report.txt"]
    assert reasons(found) == {"loop": "folder already visited (symlink loop)"}


def test_symlinks_out_of_the_folder_are_not_followed_and_links_inside_it_read_once(folder: Path, tmp_path: Path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.txt").write_text(TEXT, "utf-8")
    (folder / "away").symlink_to(elsewhere, target_is_directory=True)
    (folder / "secret.txt").symlink_to(elsewhere / "secret.txt")
    (folder / "sub").mkdir()
    (folder / "sub" / "inner.txt").write_text(TEXT + "More.\n", "utf-8")
    (folder / "again").symlink_to(folder / "sub", target_is_directory=True)
    (folder / "alias.txt").symlink_to(folder / "report.txt")
    found = discover([folder])
    assert sorted(p.name for p in found.files) == ["alias.txt", "inner.txt"]  # report.txt once, by its link
    why = reasons(found)
    assert why["away"] == f"symlink to a folder outside {folder}; not followed"
    assert why["secret.txt"] == f"symlink to a file outside {folder}; not followed"
    assert why["again"] == "symlink to a folder inside this one; read there, not twice"


def test_a_symlink_loop_between_two_files_is_a_broken_link_not_a_crash(folder: Path):
    (folder / "a.txt").symlink_to(folder / "b.txt")
    (folder / "b.txt").symlink_to(folder / "a.txt")
    found = discover([folder])
    assert [p.name for p in found.files] == ["report.txt"]
    assert reasons(found) == {"a.txt": "broken link", "b.txt": "broken link"}
