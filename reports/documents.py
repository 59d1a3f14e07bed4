"""What the knowledge base holds: the document list (`dhr docs`) and one document passage by passage (`dhr show`).

JSON field names are the same as everywhere else: `doc_id`, `type`, `title`, `body`, `area`, `date`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kb.catalogue import Catalogue, DocumentRow, Occurrence
from kb.citation import format_position
from kb.errors import QueryError
from kb.query import CASE_KEYS
from reports.output import Table, to_table

DOC_COLUMNS = ("doc_id", "date", "type", "body", "area", "title", "pages", "passages", "path", *CASE_KEYS)


def document_fields(d: DocumentRow) -> dict[str, object]:
    """A document's metadata under the field names every command uses."""
    return {
        "doc_id": d.doc_id,
        "date": d.date,
        "type": d.doc_type,
        "body": d.body,
        "area": d.area,
        "title": d.title,
        "pages": d.page_count,
        "passages": d.passages,
        "path": d.path,
        **{k: d.extra.get(k) for k in CASE_KEYS},  # case characteristics a review states (or its sidecar)
        # where each field came from: detected, sidecar, manifest or missing
        "provenance": d.extra.get("provenance") or {},
    }


@dataclass(frozen=True)
class DocumentList:
    documents: list[DocumentRow]

    def to_dict(self) -> list[dict[str, object]]:
        return [document_fields(d) for d in self.documents]

    def table(self) -> Table:
        return Table(DOC_COLUMNS, self.to_dict())

    def to_text(self) -> str:
        if not self.documents:
            return "The knowledge base is empty: run `dhr ingest PATH` first."
        rows = [{**r, "id": str(r["doc_id"])[:8]} for r in self.to_dict()]
        return to_table(rows, ["id", "date", "type", "area", "title", "passages"])


def list_documents(catalogue: Catalogue) -> DocumentList:
    return DocumentList(catalogue.documents())


def documents_to_forget(catalogue: Catalogue, ref: str | None, missing: bool) -> list[DocumentRow]:
    """What `dhr forget` removes: the one document `ref` names, or with `missing` every document whose
    source file is no longer there (withdrawn by deleting it)."""
    if (ref is None) == (not missing):
        raise QueryError("name one document to forget, or give --missing (not both)")
    if ref is not None:
        return [find_document(catalogue, ref, exact=True)]
    return [d for d in catalogue.documents(status=None) if not Path(d.path).exists()]


def find_document(catalogue: Catalogue, ref: str, exact: bool = False) -> DocumentRow:
    """The one document `ref` names (id prefix, path, file name, or words of the title when not `exact`)."""
    matches = catalogue.find_documents(ref)
    if exact:
        matches = [d for d in matches if d.doc_id.startswith(ref) or d.path.endswith(ref)]
    if not matches:
        raise QueryError(f"no document matches {ref!r}; `dhr docs` lists them")
    if len(matches) > 1:
        names = "\n  ".join(f"{d.doc_id[:8]}  {d.title}  ({d.path})" for d in matches[:10])
        raise QueryError(f"{ref!r} matches {len(matches)} documents; give an id:\n  {names}")
    return matches[0]


def passage_fields(o: Occurrence) -> dict[str, object]:
    s = o.source
    return {
        "ordinal": o.ordinal,
        "page": s.page,
        "paragraph": s.paragraph,
        "section": s.section,
        "section_kind": s.section_kind,
        "themes": list(o.themes),
        "text": o.text,
    }


@dataclass(frozen=True)
class DocumentView:
    document: DocumentRow
    passages: list[Occurrence]

    def to_dict(self) -> dict[str, object]:
        d = self.document
        return {
            **document_fields(d),
            "url": d.url,
            "status": d.status,
            "extra": d.extra,
            "passages": [passage_fields(o) for o in self.passages],
        }

    def table(self) -> Table:
        columns = ("ordinal", "page", "paragraph", "section", "section_kind", "themes", "text")
        return Table(columns, [passage_fields(o) for o in self.passages])

    def to_text(self) -> str:
        d = self.document
        lines = [
            f"{d.title}\n  id {d.doc_id}  type {d.doc_type}  date {d.date or '?'}\n  body {d.body or '?'}  "
            f"area {d.area or '?'}\n  file {d.path}\n"
        ]
        for o in self.passages:
            s = o.source
            lines.append(f"[{format_position(s.page, s.paragraph)}] {s.section or ''}  ({s.section_kind})")
            lines.append(f"    {o.text}")
            if o.themes:
                lines.append(f"    Themes: {', '.join(o.themes)}")
        return "\n".join(lines)


def show_document(catalogue: Catalogue, ref: str) -> DocumentView:
    d = find_document(catalogue, ref)
    return DocumentView(d, catalogue.occurrences(d.doc_id))
