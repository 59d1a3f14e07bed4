"""Domain exceptions. Library code raises these; only the CLI turns them into messages and exit codes."""

from __future__ import annotations

from collections.abc import Callable
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


class UnknownThemeError(QueryError):
    """A theme name that is no theme's id or label; the message suggests the nearest, when one is near."""

    def __init__(self, message: str, suggestions: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.suggestions = suggestions


class FilterError(QueryError):
    """A filter value no document can match (or that cannot be a value at all).

    The message holds `{filter}` where the filter is named, so each front end names it the way its
    user gave it: `--area Northbrige` on the command line, area 'Northbrige' on a form."""

    def __init__(self, template: str, filters: tuple[tuple[str, str], ...]) -> None:
        self.template = template
        self.filters = filters  # (field of kb.query.Filters, value as given)
        super().__init__(self.naming(lambda field, value: f"{FIELD_LABELS.get(field, field)} {value!r}"))

    def naming(self, name: Callable[[str, str], str]) -> str:
        """The message with each filter named by `name(field, value)`."""
        return self.template.replace("{filter}", " and ".join(name(f, v) for f, v in self.filters))


FIELD_LABELS = {"doc_type": "type", "since": "since", "until": "until", "review_kind": "review kind",
                "victim_sex": "victim's sex", "victim_age_band": "victim's age band", "year_of_death": "year of death"}
