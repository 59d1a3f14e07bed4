"""A document deleted from the catalogue leaves none of its words in the catalogue's files.

SQLite would otherwise leave a deleted row's bytes in free space and a write-ahead log would keep the
pages as they were; DHR text is sensitive, so `dhr forget` must not leave it behind on disk.
"""

from __future__ import annotations

from pathlib import Path

from kb.catalogue import Catalogue, ThemeMentionRow
from kb.models import DocumentMeta, Passage

SECRET = "The quagga zebrafish confided xylophone marmalade to the panel. " * 3


def write(cat: Catalogue, doc: str, texts: list[str]) -> None:
    passages = [Passage(t, i, 1, f"¶{i + 1}", None) for i, t in enumerate(texts)]
    no_themes: list[list[ThemeMentionRow]] = [[] for _ in passages]
    cat.write_document(doc, f"/docs/{doc}.txt", doc, DocumentMeta(title=doc), None, passages, no_themes)
    cat.set_status(doc, "ok")


def files_hold(folder: Path, words: bytes) -> list[str]:
    return [p.name for p in folder.iterdir() if p.is_file() and words in p.read_bytes()]


def test_a_deleted_document_leaves_no_bytes_of_its_text(tmp_path: Path):
    cat = Catalogue(tmp_path / "catalogue.sqlite3")
    write(cat, "kept", [f"ordinary words, paragraph {i}" for i in range(50)])
    write(cat, "gone", [f"{SECRET} {i}" for i in range(5)])
    assert files_hold(tmp_path, b"quagga zebrafish confided")  # written, in the file or its log
    cat.delete_document("gone")
    assert files_hold(tmp_path, b"quagga zebrafish confided") == []  # while still open
    cat.close()
    assert files_hold(tmp_path, b"quagga zebrafish confided") == []
    assert files_hold(tmp_path, b"ordinary words, paragraph 7")
