"""A query's filters worked out against the catalogue: the one test both retrievers apply."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kb.catalogue import Catalogue, OccurrenceInfo
from kb.query import Filters
from kb.records import chroma_where


@dataclass
class Scope:
    """What one query's filters let through, worked out once against the catalogue.

    The document fields of `Filters` (type, area, dates, case characteristics) become the set of
    documents they accept (`Catalogue.document_ids`); `accepts` adds the passage fields (section,
    theme). It is the one test both retrievers apply, and it agrees with `kb.records.chroma_where`.
    """

    filters: Filters
    doc_ids: frozenset[str] | None  # None: every document

    @classmethod
    def of(cls, filters: Filters | None, catalogue: Catalogue) -> Scope:
        filters = filters or Filters()
        return cls(filters, catalogue.document_ids(filters))

    @property
    def empty(self) -> bool:
        return self.filters.empty

    def accepts(self, o: OccurrenceInfo) -> bool:
        """Whether this occurrence passes."""
        if self.filters.section and o.section_kind != self.filters.section:
            return False
        if self.filters.theme and self.filters.theme not in (o.themes or ()):
            return False
        return self.doc_ids is None or o.doc_id in self.doc_ids

    def allowed(self, catalogue: Catalogue) -> list[OccurrenceInfo]:
        """Every published occurrence the filters accept (narrowed in SQL, then tested exactly).

        Both retrievers may need the list for one query; it is kept until the catalogue changes.
        """
        version = (catalogue.version(), self.filters, self.doc_ids)
        if _allowed_cache and _allowed_cache[0] == version:
            return _allowed_cache[1]
        occurrences = catalogue.candidate_occurrences(self.doc_ids, self.filters.section, self.filters.theme)
        allowed = [o for o in occurrences if self.accepts(o)]
        _allowed_cache[:] = [version, allowed]
        return allowed

    def known_allowed(self, catalogue: Catalogue) -> list[OccurrenceInfo] | None:
        """`allowed`, if it has already been worked out for this query (the dense side does so for a
        narrow filter); else None, so a caller can choose without paying for the list."""
        version = (catalogue.version(), self.filters, self.doc_ids)
        return _allowed_cache[1] if _allowed_cache and _allowed_cache[0] == version else None

    def chroma_where(self) -> dict[str, Any] | None:
        return chroma_where(self.filters, self.doc_ids)


_allowed_cache: list = []  # [version, occurrences]: the last `Scope.allowed` answer
