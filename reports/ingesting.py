"""One ingest run as `dhr ingest` does it: read the files, note (or with `prune` withdraw) the documents
whose file has gone from the folders given, and count what the knowledge base holds at the end.

Per-file lines for a log come from `FileLines`, told each outcome as the run knows it, so a log written
to a file shows progress while the run goes; after a kill, every file it lists as added is in the
knowledge base (the last few written may not be listed yet: files are written in batches).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from index.consistency import missing_sources
from index.stores import Stores
from ingest.pipeline import FileResult, Ingestor
from kb.catalogue import DocumentRow
from reports.status import IngestSummary, file_line

if TYPE_CHECKING:
    from ingest.manifest import Manifest


def ingest(
    kb: Stores,
    paths: Sequence[Path],
    manifest: Manifest | None = None,
    *,
    ocr: bool = True,
    prune: bool = False,
    progress: Callable[[int, int, Path], None] | None = None,
    ocr_progress: Callable[[int, int, Path], None] | None = None,
    on_result: Callable[[FileResult], None] | None = None,
) -> IngestSummary:
    """Ingest `paths`; then the documents whose file was in one of the folders and is gone are listed,
    or withdrawn with `prune`. The closing counts are read from the catalogue after all of it."""
    from kb.tagger import ThemeTagger  # spaCy loads only when files are read

    ingestor = Ingestor(kb.catalogue, kb.vectors, kb.embedder, ThemeTagger(), ocr, ocr_progress)
    report = ingestor.run(list(paths), progress=progress, manifest=manifest, on_result=on_result)
    folders = [p for p in paths if p.is_dir()]
    gone = missing_sources(kb.catalogue, folders) if folders else []
    pruned = []
    for doc in gone if prune else []:
        withdraw(kb, doc)
        pruned.append(doc.path)
    missing = [d.path for d in gone if d.path not in pruned]
    return IngestSummary(report, kb.catalogue.stats(), [str(p) for p in paths], missing, pruned)


def withdraw(kb: Stores, doc: DocumentRow) -> None:
    """Remove a document from every store: the catalogue (the truth) first, so a crash between the two
    leaves only orphan vectors, which `dhr check --repair` deletes."""
    kb.catalogue.delete_document(doc.doc_id)
    kb.vectors.delete_document(doc.doc_id)


class FileLines:
    """'[12/57]     added  reports/x.pdf  (34 passages)': one line per file as the run goes, numbered
    among the files read (files passed over at discovery come first, unnumbered)."""

    def __init__(self, write: Callable[[str, bool], None]) -> None:
        self.write = write  # (line, is_error); the writer flushes, so a killed run keeps its log
        self.total: int | None = None
        self.done = 0

    def progress(self, done: int, total: int, path: Path) -> None:
        self.total = total

    def __call__(self, result: FileResult) -> None:
        line, is_error = file_line(result)
        if self.total is not None:
            self.done += 1
            line = f"[{self.done}/{self.total}] {line}"
        self.write(line, is_error)
