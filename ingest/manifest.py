"""A manifest: metadata for a library download, one CSV row per file.

Columns: ``path`` (required; relative paths resolve against the CSV's folder) and any of ``title``,
``body``, ``area``, ``date``, ``type``, ``url``; any further column is kept as extra metadata. Empty
cells say nothing. A manifest's values win over a sidecar's and over detection.

Reading is pure: nothing is ingested here. A row with a bad date or type, or without a path, is a
problem for that row only (named by its row number as a spreadsheet shows it: the header is row 1);
rows whose file does not exist are listed as missing.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from kb.dates import parse_date
from kb.errors import ExtractionError
from kb.models import DOC_TYPES


@dataclass(frozen=True)
class ManifestProblem:
    """One row that could not be used, and why."""

    row: int  # as a spreadsheet numbers it: the header is row 1
    path: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row} ({self.path or 'no path'}): {self.message}"


@dataclass
class Manifest:
    """The overrides of a manifest by resolved file path, with the rows it could not use."""

    source: Path
    overrides: dict[Path, dict[str, str]] = field(default_factory=dict)
    problems: list[ManifestProblem] = field(default_factory=list)
    missing: list[tuple[int, Path]] = field(default_factory=list)  # (row, path) of files that are not there

    @property
    def paths(self) -> list[Path]:
        """The files the manifest describes that exist, in row order."""
        return list(self.overrides)

    def get(self, path: Path) -> dict[str, str] | None:
        """The values given for `path` (any spelling of it), or None."""
        return self.overrides.get(Path(path).resolve())


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())


def read_manifest(csv_path: Path) -> Manifest:
    """Read a manifest CSV. Raises OSError when the file cannot be read, ValueError when it has no 'path' column."""
    csv_path = Path(csv_path)
    manifest = Manifest(source=csv_path)
    with csv_path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        columns = {(name or "").strip().lower(): name for name in (reader.fieldnames or [])}
        if "path" not in columns:
            raise ValueError(f"{csv_path.name} has no 'path' column (columns: {', '.join(columns) or 'none'})")
        seen: dict[Path, int] = {}
        for raw in reader:
            row = reader.line_num  # the header is line 1, as in a spreadsheet
            values = {key: _clean(raw.get(name)) for key, name in columns.items() if key}
            values = {k: v for k, v in values.items() if v}
            problem = _check(values)
            given = values.get("path", "")
            if problem:
                manifest.problems.append(ManifestProblem(row, given, problem))
                continue
            path = (csv_path.parent / given).resolve()
            if path in seen:
                manifest.problems.append(ManifestProblem(row, given, f"the same file as row {seen[path]}"))
                continue
            seen[path] = row
            if not path.is_file():
                manifest.missing.append((row, path))
                continue
            if "date" in values:
                values["date"] = parse_date(values["date"]) or values["date"]
            values.pop("path")
            manifest.overrides[path] = values
    return manifest


def _check(values: dict[str, str]) -> str | None:
    """Why a row cannot be used, or None."""
    if not values.get("path"):
        return "no path"
    if "date" in values and parse_date(values["date"]) is None:
        return f"date {values['date']!r} is not a date (write e.g. 2021-07-06, 2021-07 or 6 July 2021)"
    if "type" in values and values["type"] not in DOC_TYPES:
        return f"type {values['type']!r} is not one of {', '.join(DOC_TYPES)}"
    return None


def load_manifest(csv_path: Path) -> Manifest:
    """`read_manifest`, with a file that cannot be read or has no 'path' column as a clear error."""
    try:
        return read_manifest(csv_path)
    except (OSError, ValueError, UnicodeDecodeError, csv.Error) as exc:
        raise ExtractionError(csv_path, f"cannot use this manifest: {getattr(exc, 'strerror', None) or exc}") from exc
