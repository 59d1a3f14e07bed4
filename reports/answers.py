"""Answers to a question: cited excerpts, best first, opened by key points quoted from the sources."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from index.search import search, summarise
from index.stores import Stores
from kb.models import Excerpt
from kb.query import Query
from reports.evidence import CSV_COLUMNS, excerpt_rows
from reports.output import Table, render_excerpt, render_summary

EXCERPT_COLUMNS = ("number", "text", "highlights", "score", *CSV_COLUMNS[3:])  # a pack's columns, ranked


@dataclass(frozen=True)
class Answer:
    query: Query
    excerpts: list[Excerpt]
    key_points: list[tuple[int, str]]  # (result number, verbatim sentence)

    def to_dict(self) -> list[dict[str, object]]:
        return [ex.to_dict() for ex in self.excerpts]

    def table(self) -> Table:
        rows = excerpt_rows((n, "", ex) for n, ex in enumerate(self.excerpts, 1))
        for row, ex in zip(rows, self.excerpts, strict=True):
            row.update(highlights=list(ex.highlights), score=round(ex.score, 4))
        return Table(EXCERPT_COLUMNS, rows)

    def to_text(self) -> str:
        if not self.excerpts:
            return "No passages match. Try other words, or fewer filters."
        parts = [render_summary(self.key_points, self.excerpts) + "\n"]
        parts += [render_excerpt(n, ex) + "\n" for n, ex in enumerate(self.excerpts, 1)]
        themes = Counter(t for ex in self.excerpts for t in ex.themes)
        if themes:
            parts.append("Themes in these results: " + ", ".join(f"{t} ({n})" for t, n in themes.most_common()))
        return "\n".join(parts).rstrip("\n")


def ask(query: Query, stores: Stores) -> Answer:
    """Answer a thematic query with cited excerpts, one per piece of evidence, key points first."""
    stores.catalogue.check_filters(query.filters)
    excerpts = search(query, stores.catalogue, stores.vectors, stores.embedder)
    return Answer(query, excerpts, summarise(excerpts))
