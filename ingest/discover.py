"""Find the files an ingest should read, reporting what it passes over and why."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.extract import SUPPORTED_SUFFIXES

SIDECAR_SUFFIX = ".meta.json"
# A folder's own notes are not documents: skipped when met in a folder, read when named explicitly.
FOLDER_NOTES = re.compile(r"^(readme|license|licence|changelog|contributing)(\.[a-z]+)?$", re.IGNORECASE)


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # passed over, with the reason
    missing: list[tuple[Path, str]] = field(default_factory=list)  # named by the user but unusable


def _wanted(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES and not path.name.endswith(SIDECAR_SUFFIX)


def discover(paths: list[Path]) -> Discovery:
    """Files under `paths` (recursively) that we can read, in a stable order, each once."""
    found = Discovery()
    seen_files: set[Path] = set()

    def add(path: Path) -> None:
        real = path.resolve()
        if real not in seen_files:
            seen_files.add(real)
            found.files.append(path.absolute())

    for root in paths:
        if not root.exists():
            kind = "broken link" if root.is_symlink() else "no such file or folder"
            found.missing.append((root, kind))
            continue
        if root.is_file():
            if _wanted(root):
                add(root)
            else:
                found.missing.append((root, f"unsupported file type {root.suffix or '(none)'}"))
            continue
        seen_dirs: set[Path] = set()
        for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
            real_dir = Path(dirpath).resolve()
            if real_dir in seen_dirs:  # a symlink loop, or two links to one folder
                found.skipped.append((Path(dirpath), "folder already visited (symlink loop)"))
                dirnames[:] = []
                continue
            seen_dirs.add(real_dir)
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                path = Path(dirpath) / name
                if name.endswith(SIDECAR_SUFFIX):
                    continue
                if FOLDER_NOTES.match(name):
                    found.skipped.append((path, "a folder's README or licence, not a document (name it to ingest it)"))
                    continue
                if not _wanted(path):
                    found.skipped.append((path, f"unsupported file type {path.suffix or '(none)'}"))
                elif not path.exists():
                    found.missing.append((path, "broken link"))
                else:
                    add(path)
    return found
