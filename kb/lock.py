"""One ingest at a time per knowledge base: an advisory file lock held for the whole run."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator

from kb.config import Settings
from kb.errors import LockedError


@contextlib.contextmanager
def ingest_lock(
    settings: Settings, wait: bool = False, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the ingest lock; raise LockedError at once if another process holds it, unless `wait`: then
    `on_wait(message)` is told who holds it, and the lock is taken when they are done."""
    settings.ensure_dirs()
    fd = os.open(settings.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            if not wait:
                raise LockedError(
                    f"another ingest is running on {settings.db} (pid {holder}); wait for it or use --wait"
                ) from None
            if on_wait:
                on_wait(f"Waiting for the ingest running on {settings.db} (pid {holder}) to finish...")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def reading_lock(settings: Settings) -> Iterator[None]:
    """For a reader that must not see an ingest half-way (`dhr check`): refuse while an ingest holds the
    lock, without creating, chmod-ing or writing anything (a read-only knowledge base has no usable lock)."""
    try:
        fd = os.open(settings.lock_path, os.O_RDONLY)
    except OSError:
        yield  # no lock file (nothing was ever ingested here by this version) or not readable
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise LockedError(f"an ingest is running on {settings.db} (pid {holder}); wait for it to finish") from None
        except OSError:
            pass  # a file system without locks: read anyway
        yield
    finally:
        os.close(fd)
