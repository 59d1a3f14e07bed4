"""Recurring themes across documents: prevalence, breakdowns, co-occurrence and the evidence behind them.

Passages are tagged one by one (kb/tagger); a board wants to know in how many *reviews* a theme
recurs. This module rolls passage tags up to documents:

* A theme occurs in a document when at least one of the document's passages counts it: the
  mention's status is "present", or the theme is a practice theme whose absence is itself the
  learning (``negatable = false`` in the taxonomy: "No referral was made to MARAC" is about MARAC),
  plus the themes a counted theme implies (parricide -> adult family homicide). This is exactly
  what ``ThemeTagger.present_ids`` counts for one passage, so the evaluation in
  bench/eval_themes.py measures the tags these counts are built from. A negated or hypothetical
  mention ("There was no evidence of alcohol misuse") never makes a theme occur.
* "Reviews" are documents of the DHR types (overview reports and executive summaries); every
  ranking is by reviews first, then by all documents, then by passages.

Everything here reads the catalogue only: no spaCy, no model, no Chroma.
"""

from __future__ import annotations

import textwrap
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kb.catalogue import Catalogue
from kb.citation import TYPE_LABELS, Source, cite, format_date, review_name
from kb.errors import QueryError
from kb.query import CASE_KEYS, Filters
from kb.taxonomy import Taxonomy, load_taxonomy
from reports.output import POSITION_KEY, Table, plural, to_table, uses_counted_positions

REVIEW_TYPES = ("dhr_overview_report", "dhr_executive_summary")
# What `--by` can break counts down by.
GROUPINGS = ("year", "area", "type", *CASE_KEYS)
UNKNOWN = "unknown"


# --------------------------------------------------------------------------------------- roll-up


@dataclass
class DocThemes:
    """One document and the themes that occur in it, with how many of its passages count each."""

    doc_id: str
    title: str
    doc_type: str
    date: str | None
    year: int | None
    area: str | None
    extra: dict[str, str]
    themes: Counter[str] = field(default_factory=Counter)
    passage_themes: dict[str, set[str]] = field(default_factory=dict)  # passage_id -> counted themes

    @property
    def is_review(self) -> bool:
        return self.doc_type in REVIEW_TYPES

    def group(self, by: str) -> str:
        if by == "year":
            return str(self.year) if self.year else UNKNOWN
        if by == "area":
            return self.area or UNKNOWN
        if by == "type":
            return self.doc_type
        value = self.extra.get(by)
        return str(value) if value not in (None, "") else UNKNOWN


def counted_themes(
    mentions: Iterable[tuple[str, str]], taxonomy: Taxonomy, negatable: dict[str, bool] | None = None
) -> set[str]:
    """Themes a passage counts, from its (theme_id, status) mentions: the tagger's own rule."""
    negatable = negatable if negatable is not None else _negatable(taxonomy)
    out = set()
    for theme_id, status in mentions:
        if theme_id not in negatable:
            continue  # a theme since removed from the taxonomy
        if status == "present" or not negatable[theme_id]:
            out.add(theme_id)
    return taxonomy.with_implied(out)


def _negatable(taxonomy: Taxonomy) -> dict[str, bool]:
    return {t.id: t.negatable for t in taxonomy}


def document_themes(
    catalogue: Catalogue, filters: Filters | None = None, taxonomy: Taxonomy | None = None
) -> list[DocThemes]:
    """Every document the filters' document fields match (also those with no theme), themes rolled up."""
    taxonomy = taxonomy or load_taxonomy()
    docs = {
        d.doc_id: DocThemes(d.doc_id, d.title, d.doc_type, d.date, d.year, d.area, d.extra)
        for d in catalogue.documents_matching(filters or Filters())
    }
    if not docs:
        return []
    mentions: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for m in catalogue.document_mentions():
        if m.doc_id in docs:
            mentions[(m.doc_id, m.passage_id)].append((m.theme_id, m.status))
    negatable = _negatable(taxonomy)
    for (doc_id, passage_id), ms in mentions.items():
        themes = counted_themes(ms, taxonomy, negatable)
        if themes:
            doc = docs[doc_id]
            doc.passage_themes[passage_id] = themes
            doc.themes.update(themes)
    return list(docs.values())


# --------------------------------------------------------------------------------------- summaries


@dataclass(frozen=True)
class ThemeCount:
    theme: str
    label: str
    reviews: int  # reviews (DHR documents) it occurs in
    documents: int  # documents of any type it occurs in
    passages: int  # passages that count it, over those documents

    def to_row(self) -> dict[str, object]:
        return {
            "theme": self.theme,
            "label": self.label,
            "reviews": self.reviews,
            "documents": self.documents,
            "passages": self.passages,
        }


def _label(taxonomy: Taxonomy, theme_id: str) -> str:
    labels = {t.id: t.label for t in taxonomy}
    return labels.get(theme_id, theme_id)


def prevalence(
    docs: Sequence[DocThemes],
    taxonomy: Taxonomy | None = None,
    min_count: int = 0,
    unit: str = "reviews",
    include_all: bool = False,
) -> list[ThemeCount]:
    """Each theme with the number of reviews, documents and passages it occurs in, most reviews first.

    ``min_count`` drops themes found in fewer than that many of ``unit`` (reviews or documents);
    ``include_all`` lists every theme of the taxonomy, also those that occur nowhere."""
    taxonomy = taxonomy or load_taxonomy()
    reviews: Counter[str] = Counter()
    documents: Counter[str] = Counter()
    passages: Counter[str] = Counter()
    for d in docs:
        for theme, n in d.themes.items():
            documents[theme] += 1
            passages[theme] += n
            if d.is_review:
                reviews[theme] += 1
    ids = taxonomy.ids() if include_all else list(documents)
    rows = [ThemeCount(t, _label(taxonomy, t), reviews[t], documents[t], passages[t]) for t in ids]
    rows = [r for r in rows if (r.reviews if unit == "reviews" else r.documents) >= min_count]
    order = {t: i for i, t in enumerate(taxonomy.ids())}
    key = (
        (lambda r: (-r.reviews, -r.documents, -r.passages, order.get(r.theme, 999)))
        if unit == "reviews"
        else (lambda r: (-r.documents, -r.reviews, -r.passages, order.get(r.theme, 999)))
    )
    return sorted(rows, key=key)


def counted_docs(docs: Sequence[DocThemes], unit: str) -> list[DocThemes]:
    """The documents that make up the counting unit: the reviews, or every document."""
    return [d for d in docs if d.is_review] if unit == "reviews" else list(docs)


def _group_sort_key(by: str):
    def key(g: str) -> tuple[int, object]:
        if g == UNKNOWN:
            return (2, "")
        if by in ("year", "year_of_death") and g.isdigit():
            return (0, int(g))
        if by == "victim_age_band" and g.split("-")[0].rstrip("+").isdigit():
            return (0, int(g.split("-")[0].rstrip("+")))
        return (1, g.lower())

    return key


@dataclass(frozen=True)
class Breakdown:
    by: str
    unit: str
    groups: list[str]  # in order (years ascending, "unknown" last)
    totals: dict[str, int]  # group -> how many reviews (or documents) it holds
    counts: dict[str, dict[str, int]]  # theme -> group -> how many of them the theme occurs in


def breakdown(docs: Sequence[DocThemes], by: str, unit: str = "reviews") -> Breakdown:
    """Counts of the reviews (or documents) each theme occurs in, per year, area, type or characteristic."""
    if by not in GROUPINGS:
        raise QueryError(f"cannot break down by {by!r}: choose from {', '.join(GROUPINGS)}")
    base = counted_docs(docs, unit)
    totals: Counter[str] = Counter(d.group(by) for d in base)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for d in base:
        g = d.group(by)
        for theme in d.themes:
            counts[theme][g] += 1
    groups = sorted(totals, key=_group_sort_key(by))
    return Breakdown(by, unit, groups, dict(totals), {t: dict(c) for t, c in counts.items()})


@dataclass(frozen=True)
class CoOccurrence:
    theme: str
    label: str
    both: int  # reviews (or documents) with the base theme and this one
    share: float  # both / (reviews with the base theme)
    overall: int  # reviews (or documents) with this theme at all
    overall_share: float  # overall / all reviews
    same_passage: int  # passages where both themes count

    def to_row(self) -> dict[str, object]:
        return {
            "theme": self.theme,
            "label": self.label,
            "both": self.both,
            "share": round(self.share, 3),
            "overall": self.overall,
            "overall_share": round(self.overall_share, 3),
            "same_passage": self.same_passage,
        }


def cooccurrence(
    docs: Sequence[DocThemes],
    theme: str,
    taxonomy: Taxonomy | None = None,
    unit: str = "reviews",
    min_count: int = 1,
) -> tuple[int, int, list[CoOccurrence]]:
    """Which themes occur together with ``theme``: (documents with it, all documents, rows).

    Rows are ordered by how many of the documents with ``theme`` also have the other theme."""
    taxonomy = taxonomy or load_taxonomy()
    base = counted_docs(docs, unit)
    with_it = [d for d in base if theme in d.themes]
    overall: Counter[str] = Counter(t for d in base for t in d.themes)
    both: Counter[str] = Counter(t for d in with_it for t in d.themes if t != theme)
    same: Counter[str] = Counter(
        t
        for d in with_it
        for themes in d.passage_themes.values()
        if theme in themes
        for t in themes
        if t != theme
    )
    n, total = len(with_it), len(base)
    rows = [
        CoOccurrence(
            t,
            _label(taxonomy, t),
            k,
            k / n if n else 0.0,
            overall[t],
            overall[t] / total if total else 0.0,
            same[t],
        )
        for t, k in both.items()
        if k >= min_count
    ]
    order = {t: i for i, t in enumerate(taxonomy.ids())}
    rows.sort(key=lambda r: (-r.both, -r.same_passage, order.get(r.theme, 999)))
    return n, total, rows


# --------------------------------------------------------------------------------------- evidence


@dataclass(frozen=True)
class Evidence:
    """One passage in which a theme counts, where it is, and the words that signalled it."""

    doc_id: str
    passage_id: str
    ordinal: int
    text: str
    words: tuple[str, ...]  # the matched words, as written (for implied themes: the implying theme's)
    source: Source
    name: str = ""  # the document as people name it: "DHR \u2018Anna\u2019 (Northbridge, 2021)", else its title

    @property
    def citation(self) -> str:
        return cite(self.source)

    def to_row(self) -> dict[str, object]:
        s = self.source
        return {
            "doc_id": self.doc_id,
            "name": self.name or s.title,
            "title": s.title,
            "type": s.type,
            "date": s.date,
            "area": s.area,
            "body": s.body,
            "page": s.page,
            "paragraph": s.paragraph,
            "section": s.section,
            "citation": self.citation,
            "matched": list(self.words),
            "text": self.text,
            "path": s.path,
            "passage_id": self.passage_id,
        }


def evidence(
    catalogue: Catalogue,
    theme: str,
    filters: Filters | None = None,
    taxonomy: Taxonomy | None = None,
    docs: Sequence[DocThemes] | None = None,
) -> list[Evidence]:
    """Every passage (in documents the filters match) in which ``theme`` counts, reviews first,
    newest first, then in reading order."""
    taxonomy = taxonomy or load_taxonomy()
    docs = document_themes(catalogue, filters, taxonomy) if docs is None else docs
    wanted = {(d.doc_id, pid) for d in docs for pid, themes in d.passage_themes.items() if theme in themes}
    if not wanted:
        return []
    # The words that signalled the theme, or the theme that implies it (parricide -> adult family homicide).
    signals = sorted(t for t in taxonomy.ids() if theme in taxonomy.with_implied({t}))
    rows = catalogue.published_occurrences(mentioning=signals, doc_ids={d.doc_id for d in docs})
    negatable = _negatable(taxonomy)
    words: dict[str, list[str]] = defaultdict(list)
    for pid, mentions in catalogue.theme_mentions({r.passage_id for r in rows}).items():
        for m in mentions:
            if m.theme_id in signals and (m.status == "present" or not negatable[m.theme_id]):
                if m.evidence not in words[pid]:
                    words[pid].append(m.evidence)
    names = {d.doc_id: review_name(d) for d in docs}
    out = []
    seen: set[tuple[str, int]] = set()
    for r in rows:
        if (r.doc_id, r.passage_id) not in wanted or (r.doc_id, r.ordinal) in seen:
            continue
        seen.add((r.doc_id, r.ordinal))
        out.append(Evidence(r.doc_id, r.passage_id, r.ordinal, r.text, tuple(words[r.passage_id]), r.source,
                            names[r.doc_id]))
    out.sort(
        key=lambda e: (e.source.type not in REVIEW_TYPES, _neg_date(e.source.date), e.source.path, e.ordinal)
    )
    return out


def _neg_date(date: str | None) -> str:
    """Sort key putting the newest date first and undated documents last."""
    if not date:
        return "~"
    digits = date.replace("-", "").ljust(8, "0")
    return "".join(chr(ord("9") - ord(c) + ord("0")) if c.isdigit() else c for c in digits)


# --------------------------------------------------------------------------------------- reports
# What `dhr themes` and the web page's board view show: each result prints as text, JSON or CSV
# through reports.output.render.

UNITS = ("reviews", "documents")
NO_REVIEWS = ("No reviews in this knowledge base: counts below are of documents; ingest DHR overview reports "
              "(or executive summaries) to count reviews.")


def _scope_note(scope: str) -> str:
    return f" ({scope})" if scope else ""


def check_grouping(by: str) -> str:
    """A grouping name as people write it ('year-of-death', 'doc_type') -> its canonical id."""
    key = by.strip().lower().replace("-", "_")
    key = {"doc_type": "type", "death_year": "year_of_death"}.get(key, key)
    if key not in GROUPINGS:
        names = ", ".join(g.replace("_", "-") for g in GROUPINGS)
        raise QueryError(f"cannot break counts down by {by!r}: choose from {names}")
    return key


@dataclass(frozen=True)
class ThemeTable:
    """Themes ranked by the number of reviews (or documents) they occur in."""

    counts: list[ThemeCount]
    unit: str
    reviews: int  # reviews counted over
    documents: int  # documents counted over
    scope: str  # the filters, described

    def to_dict(self) -> list[dict[str, object]]:
        return [c.to_row() for c in self.counts]

    def table(self) -> Table:
        return Table(("theme", "label", "reviews", "documents", "passages"), self.to_dict())

    def to_text(self) -> str:
        if not self.counts:
            return "No themes tagged yet: run `dhr ingest PATH` first." if not self.documents else (
                "No theme meets these conditions.")
        head = ""
        if self.documents and not self.reviews and self.unit == "reviews":
            head = NO_REVIEWS + "\n"
        if self.documents:
            head += (f"Themes ranked by the number of {self.unit} they occur in: {plural(self.reviews, 'review')}, "
                    f"{plural(self.documents, 'document')}{_scope_note(self.scope)}.\n\n")
        t = self.table()
        return head + to_table(t.rows, t.columns)


@dataclass(frozen=True)
class ThemeBreakdown:
    """Counts of the reviews (or documents) each theme occurs in, per group (year, area, ...)."""

    counts: list[ThemeCount]
    breakdown: Breakdown
    scope: str
    any_documents: bool

    def _by(self, c: ThemeCount) -> dict[str, int]:
        return {g: self.breakdown.counts.get(c.theme, {}).get(g, 0) for g in self.breakdown.groups}

    def to_dict(self) -> dict[str, object]:
        bd = self.breakdown
        return {"by": bd.by, "unit": bd.unit, "filters": self.scope or None, "groups": bd.groups,
                "totals": bd.totals, "themes": [{**c.to_row(), "by": self._by(c)} for c in self.counts]}

    def table(self) -> Table:
        rows = [{**c.to_row(), **self._by(c)} for c in self.counts]
        return Table(("theme", "label", self.breakdown.unit, *self.breakdown.groups), rows)

    def to_text(self) -> str:
        bd = self.breakdown
        if not self.counts:
            return f"No themes in these {bd.unit}." if self.any_documents else (
                "No documents match: run `dhr ingest PATH` first, or use fewer filters.")
        by = bd.by.replace("_", " ")
        totals = ", ".join(f"{g}: {bd.totals[g]}" for g in bd.groups)
        head = (f"Number of {bd.unit} each theme occurs in, by {by}{_scope_note(self.scope)}. "
                f"{bd.unit.capitalize()} per {by}: {totals}.\n\n")
        t = self.table()
        return head + to_table(t.rows, t.columns)


@dataclass(frozen=True)
class CoOccurrenceTable:
    """Which themes occur in the same reviews (and passages) as one theme."""

    theme: str
    label: str
    unit: str
    with_theme: int
    total: int
    rows: list[CoOccurrence]
    scope: str

    def to_dict(self) -> dict[str, object]:
        return {"theme": self.theme, "label": self.label, "unit": self.unit, "with_theme": self.with_theme,
                "total": self.total, "filters": self.scope or None, "themes": [r.to_row() for r in self.rows]}

    def table(self) -> Table:
        columns = ("theme", "label", "both", "share", "overall", "overall_share", "same_passage")
        return Table(columns, [r.to_row() for r in self.rows])

    def to_text(self) -> str:
        head = f"{self.label} occurs in {self.with_theme} of {self.total} {self.unit}{_scope_note(self.scope)}."
        if not self.rows:
            return head + "\n" + ("No other theme occurs with it." if self.with_theme else "Nothing to compare.")
        rows = [{**r.to_row(), "share": f"{r.share:.0%}", "overall_share": f"{r.overall_share:.0%}"} for r in self.rows]
        intro = (f"Themes in the same {self.unit} (share: of the {self.with_theme} with {self.label}; "
                 f"overall: of all {self.total}):")
        columns = ["theme", "label", "both", "share", "overall_share", "same_passage"]
        return "\n".join([head, intro, "", to_table(rows, columns,
                                                    ["theme", "label", "both", "share", "overall", "same passage"])])


def theme_report(
    catalogue: Catalogue | None,
    filters: Filters | None = None,
    by: str | None = None,
    with_theme: str | None = None,
    unit: str = "reviews",
    min_count: int = 0,
    top: int = 0,
    include_all: bool = False,
) -> ThemeTable | ThemeBreakdown | CoOccurrenceTable:
    """The board view: themes ranked by reviews, broken down `by` a grouping, or co-occurring `with_theme`.

    `catalogue` None (nothing ingested yet) lists the taxonomy with zero counts. Only reviews are
    DHRs, so filtering on another document type counts documents.
    """
    filters = filters or Filters()
    if unit not in UNITS:
        raise QueryError(f"cannot count {unit!r}: choose reviews or documents")
    if by and with_theme:
        raise QueryError("break counts down or show co-occurrence, not both")
    by = check_grouping(by) if by else None
    taxonomy = load_taxonomy()
    docs: list[DocThemes] = []
    if catalogue is not None:
        catalogue.check_filters(filters)
        docs = document_themes(catalogue, filters, taxonomy)
    if filters.doc_type and filters.doc_type not in REVIEW_TYPES:
        unit = "documents"
    scope = filters.describe()
    if with_theme:
        n_with, n_total, rows = cooccurrence(docs, with_theme, taxonomy, unit, max(min_count, 1))
        return CoOccurrenceTable(with_theme, taxonomy.get(with_theme).label, unit, n_with, n_total,
                                 rows[:top] if top else rows, scope)
    counts = prevalence(docs, taxonomy, min_count=min_count, unit=unit, include_all=include_all)
    counts = counts[:top] if top else counts
    if by:
        shown = [c for c in counts if (c.reviews if unit == "reviews" else c.documents) or include_all]
        return ThemeBreakdown(shown, breakdown(docs, by, unit), scope, bool(docs))
    return ThemeTable(counts, unit, sum(d.is_review for d in docs), len(docs), scope)


@dataclass(frozen=True)
class ThemeEvidence:
    """The evidence for one theme: the passages that state it, with their citations, reviews first."""

    theme: str
    label: str
    definition: str
    reviews_with: int
    reviews: int
    documents_with: int
    documents: int
    found: int  # passages in all
    shown: list[Evidence]
    scope: str

    def to_dict(self) -> dict[str, object]:
        return {"theme": self.theme, "label": self.label, "definition": self.definition,
                "reviews": self.reviews_with, "documents": self.documents_with, "passages": self.found,
                "filters": self.scope or None, "evidence": [e.to_row() for e in self.shown]}

    def table(self) -> Table:
        columns = ("doc_id", "name", "title", "type", "date", "area", "page", "paragraph", "section", "citation",
                   "matched", "text")
        return Table(columns, [e.to_row() for e in self.shown])

    def to_text(self) -> str:
        lines = [
            f"{self.label} ({self.theme}): in {self.reviews_with} of {plural(self.reviews, 'review')} and "
            f"{self.documents_with} of {plural(self.documents, 'document')}, "
            f"{plural(self.found, 'passage')}{_scope_note(self.scope)}.",
            textwrap.fill(f"Definition: {self.definition}", 100, subsequent_indent="  ") + "\n",
        ]
        if not self.shown:
            lines.append("No passage states this theme" + (
                " in the documents these filters match." if self.scope else "."))
            return "\n".join(lines)
        current = None
        for e in self.shown:
            if e.doc_id != current:
                current = e.doc_id
                kind = TYPE_LABELS.get(e.source.type, e.source.type)
                lines.append(f"== {e.name or e.source.title}: {kind}, {format_date(e.source.date) or 'undated'}")
            lines.append(textwrap.fill(e.text, 100, initial_indent="    ", subsequent_indent="    "))
            if e.words:
                lines.append("      matched: " + ", ".join(f"\u201c{w}\u201d" for w in e.words))
            lines.append(textwrap.fill(f"Source: {e.citation}", 100, initial_indent="    ", subsequent_indent="      "))
            lines.append("")
        if uses_counted_positions([e.source.paragraph for e in self.shown]):
            lines.append(POSITION_KEY)
        if len(self.shown) < self.found:
            shown = f"Showing {len(self.shown)} of {plural(self.found, 'passage')}"
            lines.append(f"{shown}; --top 0 --per-doc 0 shows all.")
        return "\n".join(lines)


def theme_evidence(
    catalogue: Catalogue, theme: str, filters: Filters | None = None, top: int = 20, per_doc: int | None = 3
) -> ThemeEvidence:
    """One theme's evidence passages; at most `per_doc` from one document and `top` in all (0 or None: all)."""
    filters = filters or Filters()
    taxonomy = load_taxonomy()
    catalogue.check_filters(filters)
    docs = document_themes(catalogue, filters, taxonomy)
    found = evidence(catalogue, theme, filters, taxonomy, docs)
    shown, per = [], Counter()
    for e in found:
        if per_doc and per[e.doc_id] >= per_doc:
            continue
        per[e.doc_id] += 1
        shown.append(e)
    t = taxonomy.get(theme)
    with_it = [d for d in docs if theme in d.themes]
    return ThemeEvidence(t.id, t.label, t.definition, sum(d.is_review for d in with_it), sum(d.is_review for d in docs),
                         len(with_it), len(docs), len(found), shown[:top] if top else shown, filters.describe())
