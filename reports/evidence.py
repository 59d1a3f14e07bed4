"""Evidence packs for strategy writers and case-learning extracts for trainers.

Both are plain data, built here and written out by `reports.writers` (Markdown, Word, CSV, HTML):

- `EvidencePack`: the answer to a query as a short overview of what the evidence spans, the
  excerpts grouped by theme or by source, and a numbered reference list. Excerpt n cites
  reference [n]; an excerpt published in several documents is one item whose reference names
  them all.
- `Handout`: for one theme, the passages of lessons-learned (or other) sections tagged with it,
  grouped by review, each review opening with one line of case context.

Nothing here reads the clock: a date appears in the output only when the caller passes one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from index.search import fold_and_diversify, search
from kb.catalogue import Catalogue, DocumentRow
from kb.citation import TYPE_LABELS, Source, format_position, quoted_title, review_label
from kb.errors import QueryError
from kb.models import DOC_TYPES, Excerpt
from kb.query import Filters, Query
from kb.taxonomy import load_taxonomy
from reports.output import plural

if TYPE_CHECKING:
    from index.stores import Stores

TYPE_PLURALS = {
    "dhr_overview_report": "DHR overview reports",
    "dhr_executive_summary": "DHR executive summaries",
    "committee_minutes": "sets of minutes",
    "committee_report": "committee reports",
    "other": "other documents",
}
DEFAULT_HANDOUT_SECTIONS = ("lessons", "key_findings")
OTHER_GROUP = "Other evidence"


def theme_label(theme_id: str) -> str:
    taxonomy = load_taxonomy()
    return taxonomy.get(theme_id).label if theme_id in taxonomy else theme_id.replace("_", " ")


def reference(source: Source) -> str:
    """A source as a reference-list entry: body, year, title, type and position, URL where known."""
    who = source.body or source.area or "Unknown body"
    if source.area and source.body and source.area.lower() not in source.body.lower():
        who = f"{source.body} ({source.area})"
    year = f" ({source.date[:4]})" if source.date else " (n.d.)"
    position = format_position(source.page, source.paragraph)
    text = f"{who}{year}. {quoted_title(source)}. {_type_label(source.type)}"
    text += f", {position}." if position else "."
    return text + (f" {source.url}" if source.url else "")


def short_cite(source: Source) -> str:
    """The line under a quotation: review, who, year, position ('DHR ‘Anna’, Northbridge CSP, 2021, p. 14')."""
    bits = [source.review] if source.review else []
    bits.append(source.body or source.area or source.title)
    if source.date:
        bits.append(source.date[:4])
    position = format_position(source.page, source.paragraph)
    if position:
        bits.append(position)
    return ", ".join(bits)


def _type_label(doc_type: str) -> str:
    label = TYPE_LABELS.get(doc_type, "document")
    return label[0].upper() + label[1:] if not label.startswith("DHR") else label


def describe_filters(filters: Filters | None, sections: Sequence[str] = ()) -> tuple[tuple[str, str], ...]:
    """The filters a reader should know were applied, as (name, value) pairs (themes and types by label)."""
    out: list[tuple[str, str]] = []
    for name, value in (filters or Filters()).described():
        if name == "theme":
            value = theme_label(value)
        elif name == "type":
            value = TYPE_LABELS.get(value, value)
        out.append((name, value))
    section = filters.section if filters else None
    out += [("section", s) for s in sections if s != section]
    return tuple(out)


# --- what the evidence spans ---------------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    """How far a set of excerpts reaches: documents, areas, years, kinds of document, themes."""

    excerpts: int
    documents: int
    areas: tuple[str, ...]
    years: tuple[int, ...]
    types: tuple[tuple[str, int], ...]  # (doc type, number of documents), most first
    themes: tuple[tuple[str, int], ...]  # (theme id, number of excerpts), most first, at most 5

    def sentences(self) -> list[str]:
        """The overview in plain sentences, for any output format."""
        if not self.excerpts:
            return ["No excerpts match."]
        kinds = ", ".join(f"{n} {_kind(t, n)}" for t, n in self.types)
        lines = [
            f"{plural(self.excerpts, 'excerpt')} from {plural(self.documents, 'document')} ({kinds})."
        ]
        if self.areas:
            lines.append(f"Areas: {', '.join(self.areas)}.")
        if self.years:
            span = str(self.years[0]) if len(self.years) == 1 else f"{self.years[0]}\u2013{self.years[-1]}"
            lines.append(f"Published: {span}.")
        if self.themes:
            lines.append(
                "Most frequent themes: " + ", ".join(f"{theme_label(t)} ({n})" for t, n in self.themes) + "."
            )
        return lines


def _kind(doc_type: str, n: int) -> str:
    if n == 1:
        return {"committee_minutes": "set of minutes"}.get(doc_type, TYPE_LABELS.get(doc_type, "document"))
    return TYPE_PLURALS.get(doc_type, "documents")


def _type_order(doc_type: str) -> int:
    return DOC_TYPES.index(doc_type) if doc_type in DOC_TYPES else len(DOC_TYPES)


def overview_of(excerpts: Sequence[Excerpt]) -> Overview:
    docs: dict[str, Source] = {}
    for ex in excerpts:
        for s in ex.sources:
            docs.setdefault(s.doc_id, s)
    types = Counter(s.type for s in docs.values())
    themes = Counter(t for ex in excerpts for t in ex.themes)
    return Overview(
        excerpts=len(excerpts),
        documents=len(docs),
        areas=tuple(sorted({s.area for s in docs.values() if s.area})),
        years=tuple(sorted({int(s.date[:4]) for s in docs.values() if s.date and s.date[:4].isdigit()})),
        types=tuple(sorted(types.items(), key=lambda kv: (-kv[1], _type_order(kv[0])))),
        themes=tuple(sorted(themes.items(), key=lambda kv: (-kv[1], kv[0]))[:5]),
    )


# --- evidence packs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PackItem:
    """One piece of evidence in a pack: reference number n, the excerpt, the group it sits in."""

    number: int
    excerpt: Excerpt
    group: str

    @property
    def reference(self) -> str:
        first, *others = self.excerpt.sources
        text = reference(first)
        if others:
            text += " Also published in: " + " ".join(reference(s) for s in others)
        return text


@dataclass(frozen=True)
class EvidencePack:
    query: str
    filters: tuple[tuple[str, str], ...]
    overview: Overview
    group_by: str  # "theme" | "source"
    groups: tuple[tuple[str, tuple[PackItem, ...]], ...]
    prepared: str | None = None  # a date, only when the caller passes one

    @property
    def items(self) -> list[PackItem]:
        return sorted((i for _, items in self.groups for i in items), key=lambda i: i.number)

    def to_dict(self) -> dict[str, object]:
        return {
            "query": self.query,
            "filters": dict(self.filters),
            "prepared": self.prepared,
            "overview": {
                "excerpts": self.overview.excerpts,
                "documents": self.overview.documents,
                "areas": list(self.overview.areas),
                "years": list(self.overview.years),
                "types": dict(self.overview.types),
                "themes": dict(self.overview.themes),
                "summary": " ".join(self.overview.sentences()),
            },
            "group_by": self.group_by,
            "items": [
                {"number": i.number, "group": i.group, "reference": i.reference, **i.excerpt.to_dict()}
                for i in self.items
            ],
        }


def group_by_theme(excerpts: Sequence[Excerpt], skip: Iterable[str] = ()) -> list[tuple[str, list[Excerpt]]]:
    """Each excerpt under one of its themes, the one that best tells it apart: of its themes, the most
    common in the set, passing over themes that cannot tell excerpts apart (the theme the pack was
    filtered on, case types such as 'intimate partner homicide', and themes nearly every excerpt
    has). Groups are ordered by their best excerpt."""
    taxonomy = load_taxonomy()
    order = {t: i for i, t in enumerate(taxonomy.ids())}
    counts = Counter(t for ex in excerpts for t in ex.themes)
    generic = set(skip) | {t for t in counts if t in taxonomy and taxonomy.get(t).group == "case_type"}
    if len(excerpts) >= 4:
        generic |= {t for t, n in counts.items() if n >= 0.8 * len(excerpts)}

    def weight(t: str) -> tuple[int, int, int]:
        return (int(t in generic), -counts[t], order.get(t, 999))

    groups: dict[str, list[Excerpt]] = {}
    for ex in excerpts:
        key = theme_label(min(ex.themes, key=weight)) if ex.themes else OTHER_GROUP
        groups.setdefault(key, []).append(ex)
    return list(groups.items())


def group_by_source(excerpts: Sequence[Excerpt]) -> list[tuple[str, list[Excerpt]]]:
    """Each excerpt under the document it is first cited from, groups ordered by their best excerpt."""
    groups: dict[str, list[Excerpt]] = {}
    for ex in excerpts:
        s = ex.sources[0]
        who = ", ".join(b for b in (s.body or s.area, s.date[:4] if s.date else None) if b)
        key = f"{s.title} ({who})" if who else s.title
        groups.setdefault(key, []).append(ex)
    return list(groups.items())


def make_pack(
    query: str,
    excerpts: Sequence[Excerpt],
    filters: Filters | None = None,
    group_by: str = "theme",
    prepared: str | None = None,
) -> EvidencePack:
    """Arrange ranked excerpts into a pack: grouped, numbered in reading order, with an overview."""
    if group_by not in ("theme", "source"):
        raise QueryError(f"cannot group by {group_by!r}: choose theme or source")
    skip = [filters.theme] if filters and filters.theme else []
    grouped = group_by_theme(excerpts, skip) if group_by == "theme" else group_by_source(excerpts)
    n = 0
    groups = []
    for name, members in grouped:
        items = []
        for ex in members:
            n += 1
            items.append(PackItem(n, ex, name))
        groups.append((name, tuple(items)))
    return EvidencePack(
        query, describe_filters(filters), overview_of(excerpts), group_by, tuple(groups), prepared
    )


def build_evidence_pack(
    query: Query, stores: Stores, group_by: str = "theme", prepared: str | None = None
) -> EvidencePack:
    """Search (the full hybrid pipeline, near-duplicates folded into one excerpt citing every
    source), then arrange the results as a pack."""
    if group_by not in ("theme", "source"):
        raise QueryError(f"cannot group by {group_by!r}: choose theme or source")
    results = search(query, stores.catalogue, stores.vectors, stores.embedder, highlights=False)
    return make_pack(query.text, results, query.filters, group_by, prepared)


# --- case-learning extracts ----------------------------------------------------------------------


@dataclass(frozen=True)
class CaseContext:
    """What a trainer says about a case before quoting it; every field is optional but the name."""

    review: str  # "DHR 'Anna'" or the document's title
    area: str | None = None
    year: int | None = None  # year of the report
    kind: str | None = None  # "intimate partner homicide" (review kind), else the document type
    relationship: str | None = None
    victim_age_band: str | None = None
    year_of_death: str | None = None

    def line(self) -> str:
        """One line: "DHR 'Anna', Northbridge, 2021: intimate partner homicide; relationship: ..."."""
        area = self.area if self.area and self.area.lower() not in self.review.lower() else None
        where = ", ".join(str(b) for b in (area, self.year) if b)
        head = f"{self.review}, {where}" if where else self.review
        bits = [
            b
            for b in (
                self.kind,
                f"relationship: {self.relationship}" if self.relationship else None,
                f"victim aged {self.victim_age_band}" if self.victim_age_band else None,
                f"death in {self.year_of_death}" if self.year_of_death else None,
            )
            if b
        ]
        return f"{head}: {'; '.join(bits)}." if bits else f"{head}."


_PSEUDONYM = re.compile(r"[\u2018'\"\u201c]([A-Z][\w\- ]{0,30}?)[\u2019'\"\u201d]")


def case_context(doc: DocumentRow) -> CaseContext:
    """Case context from document metadata (sidecar keys review_kind, relationship, victim_age_band,
    year_of_death, victim_pseudonym), falling back on what the title and type say."""
    extra = doc.extra or {}
    pseudonym = extra.get("victim_pseudonym") or extra.get("pseudonym")
    if not pseudonym:
        m = _PSEUDONYM.search(doc.title)
        pseudonym = m.group(1) if m else None
    is_dhr = doc.doc_type.startswith("dhr_")
    label = review_label(doc)  # the name every listing uses (kb.citation.review_name)
    if label:
        review = label
    elif pseudonym:
        review = f"DHR \u2018{pseudonym}\u2019" if is_dhr else f"\u2018{pseudonym}\u2019"
    else:  # a title alone ("Overview Report") may not tell two reviews apart; who published it does
        who = doc.body or doc.area
        review = f"{doc.title} ({who})" if who and who.lower() not in doc.title.lower() else doc.title
    kind = extra.get("review_kind")
    if kind:
        kind = theme_label(kind).lower() if re.fullmatch(r"[a-z_]+", kind) else kind
    else:
        kind = TYPE_LABELS.get(doc.doc_type) if doc.doc_type != "other" else None
    return CaseContext(
        review=review,
        area=doc.area,
        year=doc.year,
        kind=kind,
        relationship=extra.get("relationship"),
        victim_age_band=extra.get("victim_age_band"),
        year_of_death=extra.get("year_of_death"),
    )


@dataclass(frozen=True)
class ReviewExtracts:
    """One review's extracts, with the line of context that introduces them."""

    context: CaseContext
    extracts: tuple[Excerpt, ...]


@dataclass(frozen=True)
class Handout:
    theme: str  # theme id
    sections: tuple[str, ...]
    filters: tuple[tuple[str, str], ...]
    reviews: tuple[ReviewExtracts, ...]
    prepared: str | None = None

    @property
    def title(self) -> str:
        return f"Learning from reviews: {theme_label(self.theme)}"

    @property
    def count(self) -> int:
        return sum(len(r.extracts) for r in self.reviews)

    def to_dict(self) -> dict[str, object]:
        return {
            "theme": self.theme,
            "theme_label": theme_label(self.theme),
            "sections": list(self.sections),
            "filters": dict(self.filters),
            "prepared": self.prepared,
            "reviews": [
                {
                    "context": r.context.line(),
                    **{
                        k: getattr(r.context, k)
                        for k in (
                            "review",
                            "area",
                            "year",
                            "kind",
                            "relationship",
                            "victim_age_band",
                            "year_of_death",
                        )
                    },
                    "extracts": [e.to_dict() for e in r.extracts],
                }
                for r in self.reviews
            ],
        }


def build_handout(
    catalogue: Catalogue,
    theme: str,
    sections: Sequence[str] = DEFAULT_HANDOUT_SECTIONS,
    filters: Filters | None = None,
    prepared: str | None = None,
) -> Handout:
    """Every passage tagged `theme` in the given kinds of section, grouped by review, oldest first.

    `filters` narrows the documents (area, dates, type, case characteristics). Reads the catalogue
    only (no model): the same text in two documents of one review (an overview report and its
    executive summary) is one extract citing both.
    """
    sections = tuple(dict.fromkeys(sections or DEFAULT_HANDOUT_SECTIONS))
    filters = replace(filters or Filters(), theme=theme, section=None)
    docs = {d.doc_id: d for d in catalogue.documents()}
    in_scope_docs = catalogue.document_ids(filters)
    rows = catalogue.published_occurrences(sections, mentioning=[theme], present_only=True, doc_ids=in_scope_docs)
    pids = list(dict.fromkeys(r.passage_id for r in rows))
    texts = catalogue.passage_texts(pids)
    sources = catalogue.sources(pids)
    excerpts = []
    for pid in pids:
        in_scope = tuple(
            s
            for s in sources.get(pid, [])
            if s.section_kind in sections and (in_scope_docs is None or s.doc_id in in_scope_docs)
        )
        if in_scope:
            excerpts.append(Excerpt(pid, texts[pid][0], 0.0, texts[pid][1], in_scope))
    excerpts = fold_and_diversify(excerpts, top=len(excerpts), per_doc=None)

    by_review: dict[str, tuple[CaseContext, list[Excerpt]]] = {}
    names: set[str] = set()
    for ex in excerpts:
        doc = docs[ex.sources[0].doc_id]
        ctx = case_context(doc)
        # the documents of one review (overview report, executive summary) share its pseudonym and area
        key = (
            f"{(ctx.area or '').lower()}|{ctx.review}" if ctx.review.startswith("DHR \u2018") else doc.doc_id
        )
        if key not in by_review:
            if ctx.review in names:  # two reviews that print the same name: say which is which
                ctx = replace(ctx, review=f"{ctx.review}, {doc.date or Path(doc.path).name}")
            names.add(ctx.review)
            by_review[key] = (ctx, [])
        by_review[key][1].append(ex)
    reviews = tuple(ReviewExtracts(ctx, tuple(exs)) for ctx, exs in by_review.values())
    return Handout(theme, sections, describe_filters(filters), reviews, prepared)


def excerpt_rows(items: Iterable[tuple[int, str, Excerpt]]) -> list[dict[str, object]]:
    """One spreadsheet row per excerpt: (number, group, excerpt) -> the columns in CSV_COLUMNS."""
    rows = []
    for number, group, ex in items:
        s = ex.sources[0]
        rows.append(
            {
                "number": number,
                "group": group,
                "text": ex.text,
                "themes": [theme_label(t) for t in ex.themes],
                "title": s.title,
                "body": s.body,
                "area": s.area,
                "date": s.date,
                "type": s.type,
                "page": s.page,
                "paragraph": s.paragraph,
                "section": s.section,
                "url": s.url,
                "also_published_in": [reference(o) for o in ex.sources[1:]],
                "reference": reference(s),
            }
        )
    return rows


CSV_COLUMNS = (
    "number",
    "group",
    "text",
    "themes",
    "title",
    "body",
    "area",
    "date",
    "type",
    "page",
    "paragraph",
    "section",
    "url",
    "also_published_in",
    "reference",
)
