"""A query's filters worked out against the catalogue: the one test both retrievers apply."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from kb.catalogue import Catalogue, OccurrenceInfo
from kb.query import Filters
from kb.records import chroma_where

T = TypeVar("T")


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

        Both retrievers may need the list for one query, and the next questions often keep the filter
        (listing 100,000 occurrences takes about half a second), so the last few lists are kept until
        the catalogue changes.
        """
        known = self.known_allowed(catalogue)
        if known is not None:
            return known
        occurrences = catalogue.candidate_occurrences(self.doc_ids, self.filters.section, self.filters.theme)
        allowed = [o for o in occurrences if self.accepts(o)]
        _allowed_cache[(catalogue.version(), self.filters, self.doc_ids)] = (allowed, {})
        while len(_allowed_cache) > 1 and sum(len(a) for a, _ in _allowed_cache.values()) > KEPT_OCCURRENCES:
            _allowed_cache.popitem(last=False)
        return allowed

    def derived(self, catalogue: Catalogue, name: str, make: Callable[[list[OccurrenceInfo]], T]) -> T:
        """`make(allowed)`, worked out once per list kept: what each retriever searches within (record ids
        for Chroma, passage ids for BM25) costs tens of milliseconds to build for 100,000 occurrences."""
        allowed = self.allowed(catalogue)
        made = _allowed_cache[(catalogue.version(), self.filters, self.doc_ids)][1]
        if name not in made:
            made[name] = make(allowed)
        return made[name]

    def known_allowed(self, catalogue: Catalogue) -> list[OccurrenceInfo] | None:
        """`allowed`, if it has already been worked out (the dense side does so for a narrow filter); else
        None, so a caller can choose without paying for the list."""
        key = (catalogue.version(), self.filters, self.doc_ids)
        if key not in _allowed_cache:
            return None
        _allowed_cache.move_to_end(key)
        return _allowed_cache[key][0]

    def chroma_where(self) -> dict[str, Any] | None:
        return chroma_where(self.filters, self.doc_ids)


KEPT_OCCURRENCES = 400_000  # `Scope.allowed` answers kept, in occurrences (about 200 bytes each)
# (occurrences, what was derived from them) by (catalogue version, filters, documents); least recently used first
_allowed_cache: OrderedDict[tuple, tuple[list[OccurrenceInfo], dict[str, Any]]] = OrderedDict()
