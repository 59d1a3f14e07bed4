"""Vector records: what the vector store holds for each passage occurrence, and how they are named.

One record per occurrence of a passage in a document, named "<doc_id>:<ordinal>", so metadata
filters (type, area, date, section, themes) apply exactly; the catalogue folds occurrences of the
same text back into one piece of evidence. The protocols below are what ingest writes through, so
the readers never import the vector store or the model: the caller hands them in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from kb.dates import date_key
from kb.models import DocumentMeta, Passage
from kb.query import Filters


def record_id(doc_id: str, ordinal: int) -> str:
    """The vector store's id for one occurrence of a passage."""
    return f"{doc_id}:{ordinal}"


def parse_record_id(rid: str) -> tuple[str, int]:
    """(doc_id, ordinal) from a record id."""
    doc_id, _, ordinal = rid.rpartition(":")
    return doc_id, int(ordinal)


@dataclass(frozen=True)
class VectorRecord:
    record_id: str
    passage_id: str
    embedding: Sequence[float]
    metadata: dict[str, Any]


def vector_metadata(doc_id: str, meta: DocumentMeta, passage: Passage, themes: list[str]) -> dict[str, object]:
    """What Chroma stores beside each vector, for filtering. Lists are not allowed empty, so absent keys mean none."""
    md: dict[str, object] = {
        "doc_id": doc_id,
        "doc_type": meta.doc_type,
        "section_kind": passage.section_kind,
        "date": date_key(meta.date),
    }
    if meta.area:
        md["area"] = meta.area.lower()
    if themes:
        md["themes"] = themes
    return md


def chroma_where(filters: Filters, doc_ids: frozenset[str] | None) -> dict[str, Any] | None:
    """The same filters as a Chroma `where` over `vector_metadata` (document fields given as `doc_ids`)."""
    clauses: list[dict[str, Any]] = []
    if filters.theme:
        clauses.append({"themes": {"$contains": filters.theme}})
    if filters.section:
        clauses.append({"section_kind": filters.section})
    if doc_ids is not None:
        clauses.append({"doc_id": {"$in": sorted(doc_ids) or ["-"]}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class TextEncoder(Protocol):
    """Turns texts into unit vectors (the embedding model)."""

    dimension: int

    def encode(self, texts: Sequence[str]) -> Any: ...


class VectorSink(Protocol):
    """Where ingest writes passage vectors (the vector store)."""

    def add(self, records: Sequence[VectorRecord]) -> None: ...

    def delete_document(self, doc_id: str) -> None: ...

    def embeddings_for(self, records: Mapping[str, Sequence[str]]) -> dict[str, list[float]]: ...
