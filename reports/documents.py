"""What the knowledge base holds: the document list (`dhr docs`) and one document passage by passage (`dhr show`).

JSON field names are the same as everywhere else: `doc_id`, `type`, `title`, `body`, `area`, `date`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kb.catalogue import Catalogue, DocumentRow, Occurrence
from kb.citation import format_position, review_name
from kb.errors import QueryError
from kb.query import CASE_KEYS
from reports.output import POSITION_KEY, Table, plural, to_table, uses_counted_positions

NAME_KEYS = ("pseudonym", "other_names", "review_ref")  # how a review names itself and its people
DOC_COLUMNS = ("doc_id", "date", "type", "body", "area", "name", "title", "pages", "passages", "path", *CASE_KEYS,
               *NAME_KEYS)


def document_fields(d: DocumentRow) -> dict[str, object]:
    """A document's metadata under the field names every command uses."""
    return {
        "doc_id": d.doc_id,
        "date": d.date,
        "type": d.doc_type,
        "body": d.body,
        "area": d.area,
        "name": review_name(d),  # "DHR 'Anna' (Northbridge, 2021)", or the title
        "title": d.title,
        "pages": d.page_count,
        "passages": d.passages,
        "path": d.path,
        **{k: d.extra.get(k) for k in CASE_KEYS},  # case characteristics a review states (or its sidecar)
        **{k: d.extra.get(k) for k in NAME_KEYS},
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
        return to_table(rows, ["id", "date", "type", "area", "name", "passages"])


def list_documents(catalogue: Catalogue) -> DocumentList:
    return DocumentList(catalogue.documents())


def documents_to_forget(catalogue: Catalogue, ref: str | None, missing: bool) -> list[DocumentRow]:
    """What `dhr forget` removes: the one document `ref` names, or with `missing` every document whose
    source file is no longer there (withdrawn by deleting it)."""
    if (ref is None) == (not missing):
        raise QueryError("name one document to forget, or give --missing (not both)")
    if ref is not None:
        return [find_document(catalogue, ref)]
    return [d for d in catalogue.documents(status=None) if not Path(d.path).exists()]


def _words(text: str | None) -> list[str]:
    return re.findall(r"[\w/]+", (text or "").lower())


def _contains(haystack: str | None, ref: str) -> bool:
    """Whether the words of `ref` occur, in order, as whole words of `haystack`."""
    words, wanted = _words(haystack), _words(ref)
    n = len(wanted)
    return bool(wanted) and any(words[i : i + n] == wanted for i in range(len(words) - n + 1))


def _named(d: DocumentRow) -> list[str]:
    """A review's names: its pseudonym, the other people it names, its reference, and its full name."""
    names = [str(d.extra.get("pseudonym") or ""), str(d.extra.get("review_ref") or ""), review_name(d)]
    names += str(d.extra.get("other_names") or "").split(";")
    return [n.strip() for n in names if n.strip()]


def candidates(catalogue: Catalogue, ref: str) -> list[DocumentRow]:
    """The documents `ref` names, by the first of these that names any: an id prefix, a path or a file
    name; a review's pseudonym, reference or name ("Anna", "Adult C", "DHR 'Anna' (Northbridge, 2021)");
    the area ("Hollinsby"); words of the title (or body)."""
    found = catalogue.find_documents(ref)
    exact = [d for d in found if d.doc_id.startswith(ref) or d.path.endswith(ref) or f"/{ref}" in d.path]
    if exact:
        return exact
    docs = catalogue.documents(status=None)
    key = " ".join(_words(ref))
    for test in (
        lambda d: any(" ".join(_words(n)) == key for n in _named(d)),
        lambda d: " ".join(_words(d.area)) == key,
        lambda d: any(_contains(n, ref) for n in _named(d)),
        lambda d: _contains(d.title, ref) or _contains(d.body, ref),
    ):
        hits = [d for d in docs if test(d)]
        if hits:
            return hits
    return found


def find_document(catalogue: Catalogue, ref: str) -> DocumentRow:
    """The one document `ref` names (see `candidates`); several name it: a message listing them all."""
    matches = candidates(catalogue, ref)
    if not matches:
        raise QueryError(f"no document matches {ref!r}; `dhr docs` lists them")
    if len(matches) > 1:
        names = "\n  ".join(f"{d.doc_id[:8]}  {review_name(d)}  [{d.doc_type}]  ({d.path})" for d in matches[:10])
        more = f"\n  ... and {len(matches) - 10} more" if len(matches) > 10 else ""
        raise QueryError(f"{ref!r} names {plural(len(matches), 'document')}; give one of these ids:\n  {names}{more}")
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
        name = review_name(d)
        heading = f"{name}\n  title {d.title}" if name != d.title else d.title
        lines = [
            f"{heading}\n  id {d.doc_id}  type {d.doc_type}  date {d.date or '?'}\n  body {d.body or '?'}  "
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
        if uses_counted_positions([o.source.paragraph for o in self.passages]):
            lines.append("\n" + POSITION_KEY)
        return "\n".join(lines)


def show_document(catalogue: Catalogue, ref: str) -> DocumentView:
    d = find_document(catalogue, ref)
    return DocumentView(d, catalogue.occurrences(d.doc_id))
