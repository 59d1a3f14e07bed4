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
        "ocr": ocr_summary(d),
    }


def ocr_summary(d: DocumentRow) -> dict[str, object] | None:
    """The pages read by OCR (scans) and the mean word confidence (0 to 1), or None for a text layer only."""
    pages = [int(p) for p in str(d.extra.get("ocr_pages") or "").split(",") if p.strip().isdigit()]
    if not pages:
        return None
    try:
        confidence: float | None = float(d.extra.get("ocr_confidence") or "")
    except ValueError:
        confidence = None
    return {"pages": pages, "confidence": confidence}


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


def passage_fields(o: Occurrence, ocr_pages: frozenset[int] = frozenset()) -> dict[str, object]:
    """A passage's fields; `ocr` is True when its page was read by OCR (a scan), so a reader checks the original."""
    s = o.source
    return {
        "ordinal": o.ordinal,
        "page": s.page,
        "ocr": s.page in ocr_pages,
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

    @property
    def ocr_pages(self) -> frozenset[int]:
        ocr = ocr_summary(self.document)
        return frozenset(ocr["pages"]) if ocr else frozenset()  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, object]:
        d = self.document
        return {
            **document_fields(d),
            "url": d.url,
            "status": d.status,
            "extra": d.extra,
            "passages": [passage_fields(o, self.ocr_pages) for o in self.passages],
        }

    def table(self) -> Table:
        columns = ("ordinal", "page", "paragraph", "section", "section_kind", "ocr", "themes", "text")
        return Table(columns, [passage_fields(o, self.ocr_pages) for o in self.passages])

    def to_text(self) -> str:
        d = self.document
        ocr = ocr_summary(d)
        read = ""
        if ocr:
            shown = f", mean confidence {ocr['confidence']:.0%}" if ocr["confidence"] is not None else ""
            read = f"  read by OCR (scanned): page{'s' if len(ocr['pages']) > 1 else ''} "  # type: ignore[arg-type]
            read += ", ".join(map(str, ocr["pages"])) + shown + "\n"  # type: ignore[call-overload]
        lines = [
            f"{d.title}\n  id {d.doc_id}  type {d.doc_type}  date {d.date or '?'}\n  body {d.body or '?'}  "
            f"area {d.area or '?'}\n  file {d.path}\n{read}"
        ]
        pages = self.ocr_pages
        for o in self.passages:
            s = o.source
            mark = "  [OCR]" if s.page in pages else ""
            lines.append(f"[{format_position(s.page, s.paragraph)}] {s.section or ''}  ({s.section_kind}){mark}")
            lines.append(f"    {o.text}")
            if o.themes:
                lines.append(f"    Themes: {', '.join(o.themes)}")
        return "\n".join(lines)


def show_document(catalogue: Catalogue, ref: str) -> DocumentView:
    d = find_document(catalogue, ref)
    return DocumentView(d, catalogue.occurrences(d.doc_id))
