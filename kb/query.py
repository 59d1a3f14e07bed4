"""The one query object: what to look for, which documents and passages count, and how many to return.

Every front end (the CLI, the web app, a script) builds a `Query` and hands it to the same functions:
search, evidence packs, trainer extracts, theme counts and the register. Values are checked here,
once, with messages that name the field ("the start date"), never a command-line flag.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import cache
from typing import Protocol

from kb.dates import parse_date
from kb.errors import FilterError, QueryError, UnknownThemeError
from kb.models import DOC_TYPES
from kb.sections import check_section_kind

# Case characteristics a review states (kb/characteristics.py), kept in DocumentMeta.extra.
CASE_KEYS = ("review_kind", "victim_age_band", "victim_sex", "relationship", "year_of_death")
MAX_QUERY_CHARS = 2000
DEFAULT_TOP = 5
DEFAULT_PER_DOC = 2  # among the opening results, at most this many from one document
MAX_TOP = 200


def resolve_theme(name: str) -> str:
    """A theme id from an id or label; an unknown name gets the nearest suggestions."""
    from kb.taxonomy import load_taxonomy  # the taxonomy file is read only when a theme is named

    taxonomy = load_taxonomy()
    try:
        return taxonomy.resolve(name).id
    except KeyError:
        near = taxonomy.suggest(name)
        if near:
            raise UnknownThemeError(f"unknown theme {name!r}; did you mean: {', '.join(near)}?", tuple(near)) from None
        raise UnknownThemeError(f"unknown theme {name!r}: no theme has this id or label") from None


class HeldDocument(Protocol):
    """What a document filter looks at (a catalogue's DocumentRow, a DocumentMeta)."""

    doc_type: str
    area: str | None
    date: str | None
    extra: Mapping[str, object]


@cache  # filters test thousands of candidates per query: parse each bound once
def date_bound(value: str, end: bool) -> int:
    """'2021' -> 20210000 (start) or 20219999 (end), comparable with stored YYYYMMDD integers."""
    digits = (parse_date(value) or value).replace("-", "")
    return int(digits.ljust(8, "9" if end else "0"))


def _date_key(date: str | None) -> int:
    return int(date.replace("-", "").ljust(8, "0")) if date else 0


@dataclass(frozen=True)
class Filters:
    """Which documents and passages count. Empty fields restrict nothing.

    Document fields (type, area, dates, case characteristics) are tested by `accepts_document`;
    passage fields (theme, section) by the retrievers and the catalogue against each passage.
    Dates are YYYY, YYYY-MM or YYYY-MM-DD and compare with the document's own date.
    """

    theme: str | None = None  # a theme id (build() resolves labels)
    doc_type: str | None = None
    area: str | None = None
    since: str | None = None
    until: str | None = None
    section: str | None = None
    review_kind: str | None = None
    relationship: str | None = None
    victim_sex: str | None = None
    victim_age_band: str | None = None
    year_of_death: str | None = None

    def __post_init__(self) -> None:
        if self.section:
            check_section_kind(self.section)
        if self.doc_type and self.doc_type not in DOC_TYPES:
            raise QueryError(f"unknown document type {self.doc_type!r}: choose from {', '.join(DOC_TYPES)}")
        for name, label in (("since", "start date"), ("until", "end date")):
            value = getattr(self, name)
            if value and not parse_date(value):
                raise QueryError(f"the {label} {value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
        if self.since and self.until and self.since_bound() > self.until_bound():
            raise QueryError(f"the start date {self.since} is after the end date {self.until}: no document can match")
        if self.year_of_death and not re.fullmatch(r"\d{4}", self.year_of_death):
            raise FilterError("{filter} is not a year (use YYYY, e.g. 2019)", (("year_of_death", self.year_of_death),))

    @classmethod
    def build(cls, theme: str | None = None, **values: str | int | None) -> Filters:
        """Filters from loose values (form fields, options): blanks dropped, a theme label resolved to its id."""
        clean = {k: str(v).strip() for k, v in values.items() if v is not None and str(v).strip()}
        unknown = set(clean) - {f.name for f in fields(cls)}
        if unknown:
            raise QueryError(f"unknown filter {sorted(unknown)[0]!r}")
        theme = theme.strip() if theme else None
        return cls(theme=resolve_theme(theme) if theme else None, **clean)

    @property
    def empty(self) -> bool:
        return self == Filters()

    @property
    def case(self) -> tuple[tuple[str, str], ...]:
        """The case characteristics asked for, as (key, value) pairs."""
        return tuple((k, getattr(self, k)) for k in CASE_KEYS if getattr(self, k))

    @property
    def by_document(self) -> bool:
        """Whether any document-level field restricts (type, area, dates, case characteristics)."""
        return bool(self.doc_type or self.area or self.since or self.until or self.case)

    def document_part(self) -> Filters:
        """The same filters without the passage fields (theme, section)."""
        return replace(self, theme=None, section=None)

    def since_bound(self) -> int:
        return date_bound(self.since, end=False) if self.since else 0

    def until_bound(self) -> int:
        return date_bound(self.until, end=True) if self.until else 99999999

    def accepts_document(
        self, doc_type: str, area: str | None, date: str | None, extra: Mapping[str, object] | None = None
    ) -> bool:
        """The document-level test: the one definition every command and retriever uses."""
        if self.doc_type and doc_type != self.doc_type:
            return False
        if self.area and (area or "").lower() != self.area.lower():
            return False
        key = _date_key(date)
        if self.since and key < self.since_bound():
            return False
        if self.until and not 0 < key <= self.until_bound():
            return False
        extra = extra or {}
        return all(str(extra.get(k, "")).lower() == v.lower() for k, v in self.case)

    def check_matches(self, held: Sequence[HeldDocument]) -> None:
        """Raise FilterError when no document the knowledge base `held` passes the document filters, naming
        the filter at fault and what the documents hold instead: a filter that matches nothing is not an
        empty knowledge base, and a misspelt area gets the nearest name."""
        if not self.by_document or any(self.accepts_document(d.doc_type, d.area, d.date, d.extra) for d in held):
            return
        asked = tuple((k, v) for k, v in self.document_part().fields_given())
        if not held:
            raise FilterError("no documents match {filter}: the knowledge base holds no documents yet", asked)
        for key in ("doc_type", "area", *CASE_KEYS):
            value = getattr(self, key)
            values = sorted({str(v) for d in held if (v := _value_of(d, key)) not in (None, "")})
            if value and value.lower() not in {v.lower() for v in values}:
                plural = {"doc_type": "types", "area": "areas", "victim_sex": "victims' sexes",
                          "victim_age_band": "victims' age bands", "year_of_death": "years of death",
                          "relationship": "relationships", "review_kind": "kinds of review"}[key]
                near = difflib.get_close_matches(value.lower(), [v.lower() for v in values], n=1, cutoff=0.6)
                hint = next((f" (did you mean {v}?)" for v in values if near and v.lower() == near[0]), "")
                known = ", ".join(values) if values else "none (no document states it)"
                raise FilterError(f"no documents match {{filter}}; {plural} in the knowledge base: {known}{hint}",
                                  ((key, value),))
        dates = sorted(d.date for d in held if d.date)
        dated = Filters(since=self.since, until=self.until)
        if (self.since or self.until) and not any(dated.accepts_document("", None, d) for d in dates):
            span = f"the documents are dated {dates[0]} to {dates[-1]}" if dates else "no document has a date"
            raise FilterError(f"no documents match {{filter}}; {span}",
                              tuple((k, v) for k, v in asked if k in ("since", "until")))
        raise FilterError("no documents match {filter} together", asked)

    def fields_given(self) -> tuple[tuple[str, str], ...]:
        """The fields that restrict, as (field, value) pairs."""
        return tuple((f.name, str(getattr(self, f.name))) for f in fields(self) if getattr(self, f.name))

    def described(self) -> tuple[tuple[str, str], ...]:
        """The filters a reader should know were applied, as (name, value) pairs, theme as its id."""
        return tuple(
            (f.name.replace("doc_type", "type"), str(getattr(self, f.name)))
            for f in fields(self)
            if getattr(self, f.name)
        )

    def describe(self) -> str:
        """One line for people: 'type committee_minutes, since 2021, relationship son'."""
        return ", ".join(f"{k.replace('_', ' ')} {v.replace('_', ' ')}" for k, v in self.described())


def _value_of(doc: HeldDocument, key: str) -> object:
    return getattr(doc, key) if key in ("doc_type", "area") else doc.extra.get(key)


def clean_text(text: str) -> str:
    """Strip control characters and excess space; refuse an empty or over-long query."""
    out = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    if not out:
        raise QueryError('the query is empty: say what you are looking for, e.g. "missed chances to share information"')
    if len(out) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(out):,} characters long; keep it under {MAX_QUERY_CHARS:,}")
    return out


@dataclass(frozen=True)
class Query:
    """Text (optional for counts and extracts), filters and paging, as every front end passes them."""

    text: str = ""
    filters: Filters = field(default_factory=Filters)
    top: int = DEFAULT_TOP
    per_doc: int | None = DEFAULT_PER_DOC  # None or 0: no per-document cap

    def __post_init__(self) -> None:
        if not 1 <= self.top <= MAX_TOP:
            raise QueryError(f"the number of results must be between 1 and {MAX_TOP}, not {self.top}")
        if self.per_doc is not None and self.per_doc < 0:
            raise QueryError(f"the per-document cap must be 0 (none) or more, not {self.per_doc}")
        if self.per_doc == 0:
            object.__setattr__(self, "per_doc", None)

    @classmethod
    def build(
        cls, text: str = "", top: int = DEFAULT_TOP, per_doc: int | None = DEFAULT_PER_DOC, **filters: str | int | None
    ) -> Query:
        """A query from loose values: `Query.build("GP and police", top=10, theme="alcohol", since="2021")`."""
        return cls(text, Filters.build(**filters), top, per_doc)

    @property
    def clean_text(self) -> str:
        return clean_text(self.text)
