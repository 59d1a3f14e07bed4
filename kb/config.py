"""Where the knowledge base lives and which services it uses: one small, explicit settings object."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kb.errors import StoreError

ENV_DB = "DHR_DB"
ENV_CHROMA_URL = "DHR_CHROMA_URL"
ENV_MODEL = "DHR_MODEL"


def default_db_path() -> Path:
    """Per-user data directory: $DHR_DB, else $XDG_DATA_HOME/dhr-kb, else ~/.local/share/dhr-kb."""
    if os.environ.get(ENV_DB):
        return Path(os.environ[ENV_DB]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "dhr-kb"


@dataclass(frozen=True)
class Settings:
    """`db` holds the catalogue (and the Chroma files when embedded); `chroma_url` names a Chroma server."""

    db: Path
    chroma_url: str | None = None
    model: str | None = None  # a sentence-transformers model name or path; None = the packaged default

    @classmethod
    def resolve(cls, db: Path | None = None, chroma_url: str | None = None, model: str | None = None) -> Settings:
        """Options given on the command line win over environment variables, which win over defaults."""
        return cls(
            db=(db or default_db_path()).expanduser(),
            chroma_url=chroma_url or os.environ.get(ENV_CHROMA_URL) or None,
            model=model or os.environ.get(ENV_MODEL) or None,
        )

    @property
    def catalogue_path(self) -> Path:
        return self.db / "catalogue.sqlite3"

    @property
    def chroma_path(self) -> Path:
        return self.db / "chroma"

    @property
    def lock_path(self) -> Path:
        return self.db / "kb.lock"

    def refuse_file(self) -> None:
        """`--db` must name a folder (or nothing yet), not a file."""
        if self.db.exists() and not self.db.is_dir():
            raise StoreError(f"--db {self.db} is a file, not a knowledge base folder: name a folder (a new one is "
                             "created on the first ingest)")

    def ensure_dirs(self) -> None:
        """Create the data directory readable by the user only: DHR material is sensitive. Only commands that
        write call this; readers never create or chmod anything."""
        self.refuse_file()
        old = os.umask(0o077)
        try:
            self.db.mkdir(parents=True, exist_ok=True)
        finally:
            os.umask(old)
        if self.db.stat().st_mode & 0o777 != 0o700:
            os.chmod(self.db, 0o700)
