"""What `dhr evidence`, `dhr extract` and `dhr recommendations` return (and the web app offers to download).

Each is a result object: text (Markdown for packs and handouts), JSON and CSV through
reports.output.render, and `write(path)` for a file (.md, .docx, .html or .csv; the register: .csv).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from index.stores import Stores
from kb.catalogue import Catalogue
from kb.citation import format_date, format_position
from kb.query import Filters, Query
from reports.evidence import (
    CSV_COLUMNS,
    DEFAULT_HANDOUT_SECTIONS,
    EvidencePack,
    Handout,
    build_evidence_pack,
    build_handout,
)
from reports.output import POSITION_KEY, Table, plural, uses_counted_positions
from reports.register import REGISTER_COLUMNS, Recommendation, build_register
from reports.writers import (
    HANDOUT_COLUMNS,
    file_format,
    handout_blocks,
    handout_rows,
    pack_blocks,
    pack_rows,
    register_rows,
    render_markdown,
    write_handout,
    write_pack,
    write_register_csv,
)


@dataclass(frozen=True)
class PackExport:
    pack: EvidencePack

    def to_dict(self) -> dict[str, object]:
        return self.pack.to_dict()

    def table(self) -> Table:
        return Table(CSV_COLUMNS, pack_rows(self.pack))

    def to_text(self) -> str:
        return render_markdown(pack_blocks(self.pack))

    def write(self, path: Path) -> str:
        return write_pack(self.pack, path)

    def written(self, path: Path) -> str:
        return (f"{plural(len(self.pack.items), 'excerpt')} from {plural(self.pack.overview.documents, 'document')}"
                f" written to {path}.")


@dataclass(frozen=True)
class HandoutExport:
    handout: Handout

    def to_dict(self) -> dict[str, object]:
        return self.handout.to_dict()

    def table(self) -> Table:
        return Table(HANDOUT_COLUMNS, handout_rows(self.handout))

    def to_text(self) -> str:
        return render_markdown(handout_blocks(self.handout))

    def write(self, path: Path) -> str:
        return write_handout(self.handout, path)

    def written(self, path: Path) -> str:
        reviews = plural(len(self.handout.reviews), "review")
        return f"{plural(self.handout.count, 'extract')} from {reviews} written to {path}."


@dataclass(frozen=True)
class Register:
    recommendations: list[Recommendation]
    filtered: bool

    def to_dict(self) -> list[dict[str, object]]:
        return [r.to_dict() for r in self.recommendations]

    def table(self) -> Table:
        return Table(REGISTER_COLUMNS, register_rows(self.recommendations))

    def to_text(self) -> str:
        if not self.recommendations:
            return (
                "No numbered recommendations match."
                if self.filtered
                else "No numbered recommendations found: ingest DHR reports first (`dhr ingest PATH`)."
            )
        lines, current = [], None
        for r in self.recommendations:
            if r.source.doc_id != current:
                current = r.source.doc_id
                who = r.source.body or r.source.area or "?"
                lines.append(f"== {r.review}: {who}, {format_date(r.source.date) or 'undated'}")
            agency = f" [{r.agency}]" if r.agency else ""
            lines.append(textwrap.fill(f"{r.number}{agency}: {r.text}", 100, subsequent_indent="    "))
            themes = f"; themes: {', '.join(r.themes)}" if r.themes else ""
            lines.append(f"    ({format_position(r.page, r.source.paragraph)}{themes})")
        docs = len({r.source.doc_id for r in self.recommendations})
        lines.append(f"\n{plural(len(self.recommendations), 'recommendation')} from {plural(docs, 'document')}.")
        if uses_counted_positions([r.source.paragraph for r in self.recommendations]):
            lines.append(POSITION_KEY)
        return "\n".join(lines)

    def write(self, path: Path) -> str:
        write_register_csv(self.recommendations, path)
        return "csv"

    def written(self, path: Path) -> str:
        return f"Register written to {path} ({plural(len(self.recommendations), 'row')})."


def evidence_pack(query: Query, stores: Stores, group_by: str = "theme", prepared: str | None = None) -> PackExport:
    """An evidence pack for strategy writers: overview, excerpts by theme or source, numbered references."""
    stores.catalogue.check_filters(query.filters)
    return PackExport(build_evidence_pack(query, stores, group_by, prepared))


def trainer_extracts(
    catalogue: Catalogue,
    theme: str,
    sections: Sequence[str] = DEFAULT_HANDOUT_SECTIONS,
    filters: Filters | None = None,
    prepared: str | None = None,
) -> HandoutExport:
    """Case-learning extracts on one theme, grouped by review, each review with a line of case context."""
    filters = filters or Filters()
    catalogue.check_filters(filters)
    return HandoutExport(build_handout(catalogue, theme, sections, filters, prepared))


def recommendations_register(
    catalogue: Catalogue, filters: Filters | None = None, agency: str | None = None
) -> Register:
    """Every numbered recommendation with its review, number, agency, themes and position."""
    filters = filters or Filters()
    catalogue.check_filters(filters)
    return Register(build_register(catalogue, filters, agency), not filters.empty or bool(agency))


def check_file_name(path: Path, register: bool = False) -> None:
    """Refuse a file name we cannot write before any work is done."""
    file_format(path, allowed=("csv",)) if register else file_format(path)
