"""Find the files an ingest should read, reporting what it passes over and why.

Only regular files are read. Discovery never opens a file (a FIFO blocks `open`), never follows a
symlink out of the folder it was given (or into a loop), and passes over FIFOs, sockets and devices
with a reason. A symlink named on the command line is the user's choice and is followed, but its
target must still be a regular file.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ingest.extract import SUPPORTED_SUFFIXES

SIDECAR_SUFFIX = ".meta.json"
# A folder's own notes are not documents: skipped when met in a folder, read when named explicitly.
FOLDER_NOTES = re.compile(r"^(readme|license|licence|changelog|contributing)(\.[a-z]+)?$", re.IGNORECASE)
LOOP = "folder already visited (symlink loop)"


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # passed over, with the reason
    missing: list[tuple[Path, str]] = field(default_factory=list)  # named by the user but unusable


def _wanted(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES and not path.name.endswith(SIDECAR_SUFFIX)


def not_regular(mode: int) -> str | None:
    """Why a file of this mode is not read, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a folder" if stat.S_ISDIR(mode) else "a special file")
    return f"not a regular file: {kind}; not read"


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))  # never raises, even on a symlink loop


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def discover(paths: list[Path]) -> Discovery:
    """Files under `paths` (recursively) that we can read, in a stable order, each once."""
    found = Discovery()
    seen_files: set[Path] = set()

    def add(path: Path) -> None:
        real = _real(path)
        if real not in seen_files:
            seen_files.add(real)
            found.files.append(path.absolute())

    for root in paths:
        try:
            mode = root.stat().st_mode  # follows a symlink the user named
        except OSError:
            kind = "broken link" if root.is_symlink() else "no such file or folder"
            found.missing.append((root, kind))
            continue
        if not stat.S_ISDIR(mode):
            reason = not_regular(mode)
            if reason:
                found.missing.append((root, reason))
            elif _wanted(root):
                add(root)
            else:
                found.missing.append((root, f"unsupported file type {root.suffix or '(none)'}"))
            continue
        _walk(root, found, add)
    return found


def _walk(root: Path, found: Discovery, add) -> None:  # noqa: ANN001 - a local callback
    """Walk one folder without following symlinks to folders; symlinked files must point inside it."""
    top = _real(root)
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        kept = []
        for d in sorted(dirnames):
            if d.startswith("."):
                continue
            sub = here / d
            if not sub.is_symlink():
                kept.append(d)
                continue
            target = _real(sub)
            if _inside(_real(here), target):
                found.skipped.append((sub, LOOP))
            elif _inside(target, top):
                found.skipped.append((sub, "symlink to a folder inside this one; read there, not twice"))
            else:
                found.skipped.append((sub, f"symlink to a folder outside {root}; not followed"))
        dirnames[:] = kept
        for name in sorted(filenames):
            if name.startswith(".") or name.endswith(SIDECAR_SUFFIX):
                continue
            path = here / name
            if path.is_symlink():
                if not path.exists():
                    found.missing.append((path, "broken link"))
                    continue
                if not _inside(_real(path), top):
                    found.skipped.append((path, f"symlink to a file outside {root}; not followed"))
                    continue
            try:
                reason = not_regular(path.stat().st_mode)
            except OSError as exc:
                found.missing.append((path, f"cannot read: {exc.strerror or exc}"))
                continue
            if reason:
                found.skipped.append((path, reason))
            elif FOLDER_NOTES.match(name):
                found.skipped.append((path, "a folder's README or licence, not a document (name it to ingest it)"))
            elif not _wanted(path):
                found.skipped.append((path, f"unsupported file type {path.suffix or '(none)'}"))
            else:
                add(path)
