"""`dhr backup DIR`: a consistent copy of a knowledge base, taken while people may be searching it.

The catalogue is copied with SQLite's online backup. The embedded vector store (Chroma's folder) is
copied file by file, its SQLite file by the same online backup. Both are copied under the ingest
lock, so no ingest, `forget` or repair writes meanwhile; readers go on reading. The copy is itself a
knowledge base: `--db DIR` queries it, and restoring is moving the damaged folder aside and copying
the backup to its place (README, `dhr backup`).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from index.consistency import check
from index.stores import open_catalogue
from index.vectors import VectorStore
from kb.catalogue import Catalogue, copy_sqlite
from kb.config import Settings
from kb.errors import StoreError
from kb.lock import ingest_lock
from reports.output import Table

SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")  # a SQLite file's companions: the online backup includes them


@dataclass(frozen=True)
class BackupReport:
    target: str
    documents: int
    passages: int
    vectors: int | None  # None: the vectors live on a Chroma server and are not in the copy
    size: int  # bytes written
    consistent: bool  # `dhr check` of the copy
    chroma_url: str | None = None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    def table(self) -> Table:
        return Table(tuple(self.to_dict()), [self.to_dict()])

    def to_text(self) -> str:
        held = f"{self.documents} documents, {self.passages} passages"
        held += f", {self.vectors} vectors" if self.vectors is not None else ""
        lines = [f"Backed up {held} to {self.target} ({self.size / 1_048_576:.1f} MB)."]
        if self.chroma_url:
            lines.append(f"The vectors live on the Chroma server at {self.chroma_url} and are not in this copy: "
                         "back the server up with its own tools, or `dhr check --repair --db COPY` embeds them again.")
        lines.append("The copy is consistent." if self.consistent else
                     "The copy is as inconsistent as the knowledge base: `dhr check` on either says what disagrees.")
        lines.append(f"To restore: move the damaged folder aside, then copy {self.target} to its place "
                     "(or query the copy with --db).")
        return "\n".join(lines)


def backup(settings: Settings, target: Path, on_wait: Callable[[str], None] | None = None) -> BackupReport:
    """Copy the knowledge base at `settings.db` into `target`, a new or empty folder (files 0600,
    folders 0700), then check the copy. A failure removes what was written."""
    target = Path(target).absolute()
    open_catalogue(settings, read_only=True).close()  # a missing or damaged catalogue: one line, nothing written
    _refuse_target(settings, target)
    existed = target.is_dir()
    try:
        with ingest_lock(settings, wait=True, on_wait=on_wait):
            target.mkdir(mode=0o700, parents=True, exist_ok=True)
            target.chmod(0o700)
            open_catalogue(settings, read_only=True).backup_to(target / settings.catalogue_path.name)
            if not settings.chroma_url:
                _copy_vector_store(settings.chroma_path, target / settings.chroma_path.name)
    except BaseException:
        _remove_written(target, existed)
        raise
    return _describe(Settings(db=target, chroma_url=settings.chroma_url))


def _refuse_target(settings: Settings, target: Path) -> None:
    db = settings.db.absolute()
    if target == db or db in target.parents:
        raise StoreError(f"back up to a folder outside the knowledge base {settings.db}, not {target}")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise StoreError(f"{target} is not a new or empty folder: a backup never writes over files")
    if not settings.chroma_url and not (settings.chroma_path / "chroma.sqlite3").is_file():
        raise StoreError(f"the vector store {settings.chroma_path} is missing, so a backup would be incomplete: run "
                         "`dhr check --repair` first to embed the passages again")


def _copy_vector_store(source: Path, dest: Path) -> None:
    for folder in [source, *sorted(p for p in source.rglob("*") if p.is_dir())]:
        (dest / folder.relative_to(source)).mkdir(mode=0o700, exist_ok=True)
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        to = dest / path.relative_to(source)
        if path.suffix == ".sqlite3":
            copy_sqlite(path, to)
        elif not any(path.name.endswith(".sqlite3" + side) for side in SQLITE_SIDE_FILES):
            shutil.copyfile(path, to)
            to.chmod(0o600)


def _remove_written(target: Path, existed: bool) -> None:
    if not existed:
        shutil.rmtree(target, ignore_errors=True)
        return
    for child in target.iterdir() if target.is_dir() else []:
        shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink(missing_ok=True)


def _describe(copy: Settings) -> BackupReport:
    catalogue = Catalogue(copy.catalogue_path, read_only=True)
    vectors = VectorStore(copy, read_only=True)
    report = check(catalogue, vectors)
    size = sum(p.stat().st_size for p in copy.db.rglob("*") if p.is_file())
    return BackupReport(str(copy.db), report.documents, report.passages,
                        None if copy.chroma_url else report.vectors, size, report.consistent, copy.chroma_url)
