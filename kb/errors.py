"""Domain exceptions. Library code raises these; only the CLI turns them into messages and exit codes."""

from __future__ import annotations

from pathlib import Path


class DHRError(Exception):
    """Base class for every error the knowledge base reports to a user."""


class ExtractionError(DHRError):
    """A file could not be turned into text. The message names the file and the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class UnsupportedFormatError(ExtractionError):
    """The file's type is not one we read (by extension and content)."""


class CorruptFileError(ExtractionError):
    """The file is damaged or is not what its name says (e.g. junk named .pdf)."""


class EncryptedFileError(ExtractionError):
    """The file is password-protected and cannot be opened without the password."""


class NoTextError(ExtractionError):
    """The file opened but holds no text: empty, or a scan with no text layer."""


class FileTooLargeError(ExtractionError):
    """The file is over the size limit for its format."""


class QueryError(DHRError):
    """A query or its filters cannot be answered as given."""


class StoreError(DHRError):
    """The knowledge base store cannot be opened or written."""


class LockedError(StoreError):
    """Another process holds the ingest lock on this knowledge base."""


class EmptyKnowledgeBaseError(StoreError):
    """No knowledge base exists at the path given: nothing has been ingested there yet."""


class RepairRefusedError(StoreError):
    """A repair would delete what the catalogue cannot account for (it looks lost): it needs --force."""
