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

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kb.catalogue import Catalogue, source_from_row
from kb.citation import cite
from kb.errors import QueryError
from kb.models import DOC_TYPES, Source
from kb.taxonomy import Taxonomy, load_taxonomy

REVIEW_TYPES = ("dhr_overview_report", "dhr_executive_summary")
# Case characteristics stored in DocumentMeta.extra (see kb/characteristics.py), usable as filters.
CASE_KEYS = ("review_kind", "victim_age_band", "victim_sex", "relationship", "year_of_death")
# What `--by` can break counts down by.
GROUPINGS = ("year", "area", "type", *CASE_KEYS)
UNKNOWN = "unknown"


# --------------------------------------------------------------------------------------- filters


def _bound(value: str, name: str, end: bool) -> str:
    from kb.dates import parse_date

    parsed = parse_date(value) if value else None
    if not parsed:
        raise QueryError(f"--{name} {value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    return parsed.replace("-", "").ljust(8, "9" if end else "0")


@dataclass(frozen=True)
class DocFilter:
    """Which documents to count. Dates are the document's own date (YYYY, YYYY-MM or YYYY-MM-DD);
    ``case`` holds case characteristics, e.g. (("review_kind", "intimate_partner_homicide"),)."""

    doc_type: str | None = None
    area: str | None = None
    since: str | None = None
    until: str | None = None
    case: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.doc_type and self.doc_type not in DOC_TYPES:
            raise QueryError(f"unknown document type {self.doc_type!r}: choose from {', '.join(DOC_TYPES)}")
        lo = _bound(self.since, "since", end=False) if self.since else None
        hi = _bound(self.until, "until", end=True) if self.until else None
        if lo and hi and lo > hi:
            raise QueryError(f"--since {self.since} is after --until {self.until}: no document can match")
        for key, _ in self.case:
            if key not in CASE_KEYS:
                raise QueryError(f"unknown case characteristic {key!r}: choose from {', '.join(CASE_KEYS)}")

    @classmethod
    def build(
        cls,
        doc_type: str | None = None,
        area: str | None = None,
        since: str | None = None,
        until: str | None = None,
        **case: str | int | None,
    ) -> DocFilter:
        """A filter from keyword options; case characteristics given as None are left out."""
        pairs = tuple((k, str(v).strip()) for k, v in case.items() if v is not None and str(v).strip())
        return cls(doc_type or None, area or None, since or None, until or None, pairs)

    @property
    def active(self) -> bool:
        return bool(self.doc_type or self.area or self.since or self.until or self.case)

    def sql(self, alias: str = "d") -> tuple[str, list[object]]:
        """A WHERE clause (always restricting to documents whose status is 'ok') and its parameters."""
        clauses = [f"{alias}.status = 'ok'"]
        params: list[object] = []
        if self.doc_type:
            clauses.append(f"{alias}.doc_type = ?")
            params.append(self.doc_type)
        if self.area:
            clauses.append(f"lower({alias}.area) = lower(?)")
            params.append(self.area.strip())
        if self.since:
            clauses.append(
                f"{alias}.date IS NOT NULL"
                f" AND substr(replace({alias}.date, '-', '') || '00000000', 1, 8) >= ?"
            )
            params.append(_bound(self.since, "since", end=False))
        if self.until:
            clauses.append(
                f"{alias}.date IS NOT NULL"
                f" AND substr(replace({alias}.date, '-', '') || '99999999', 1, 8) <= ?"
            )
            params.append(_bound(self.until, "until", end=True))
        for key, value in self.case:
            clauses.append(f"lower(CAST(json_extract({alias}.extra_json, ?) AS TEXT)) = lower(?)")
            params += [f"$.{key}", value]
        return " AND ".join(clauses), params

    def describe(self) -> str:
        bits = []
        if self.doc_type:
            bits.append(f"type {self.doc_type}")
        if self.area:
            bits.append(f"area {self.area}")
        if self.since:
            bits.append(f"since {self.since}")
        if self.until:
            bits.append(f"until {self.until}")
        bits += [f"{k.replace('_', ' ')} {v.replace('_', ' ')}" for k, v in self.case]
        return ", ".join(bits)


def case_values(catalogue: Catalogue, key: str) -> list[str]:
    """The distinct values of one case characteristic among 'ok' documents."""
    rows = catalogue.conn.execute(
        "SELECT DISTINCT CAST(json_extract(extra_json, ?) AS TEXT) FROM documents WHERE status = 'ok'",
        (f"$.{key}",),
    ).fetchall()
    return sorted(r[0] for r in rows if r[0] is not None)


def check_case_filter(catalogue: Catalogue, flt: DocFilter) -> None:
    """Refuse a case-characteristic value no document has, naming the values that exist."""
    for key, value in flt.case:
        values = case_values(catalogue, key)
        if value.lower() not in {v.lower() for v in values}:
            option = "--" + key.replace("_", "-")
            known = ", ".join(values) if values else "none yet (no document states it)"
            raise QueryError(f"no document has {option} {value!r}; values in the knowledge base: {known}")


def matching_doc_ids(catalogue: Catalogue, flt: DocFilter) -> set[str]:
    where, params = flt.sql()
    return {r[0] for r in catalogue.conn.execute(f"SELECT d.doc_id FROM documents d WHERE {where}", params)}


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
    catalogue: Catalogue, flt: DocFilter | None = None, taxonomy: Taxonomy | None = None
) -> list[DocThemes]:
    """Every document the filter matches (also those with no theme), with its themes rolled up."""
    taxonomy = taxonomy or load_taxonomy()
    flt = flt or DocFilter()
    where, params = flt.sql()
    docs: dict[str, DocThemes] = {}
    for r in catalogue.conn.execute(
        "SELECT d.doc_id, d.title, d.doc_type, d.date, d.year, d.area, d.extra_json FROM documents d"
        f" WHERE {where}"
        " ORDER BY d.date, d.path",
        params,
    ):
        docs[r["doc_id"]] = DocThemes(
            r["doc_id"],
            r["title"],
            r["doc_type"],
            r["date"],
            r["year"],
            r["area"],
            json.loads(r["extra_json"] or "{}"),
        )
    if not docs:
        return []
    mentions: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for r in catalogue.conn.execute(
        "SELECT DISTINCT o.doc_id, o.passage_id, t.theme_id, t.status FROM occurrences o"
        f" JOIN documents d USING (doc_id) JOIN passage_themes t USING (passage_id) WHERE {where}",
        params,
    ):
        mentions[(r["doc_id"], r["passage_id"])].append((r["theme_id"], r["status"]))
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

    @property
    def citation(self) -> str:
        return cite(self.source)

    def to_row(self) -> dict[str, object]:
        s = self.source
        return {
            "doc_id": self.doc_id,
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
    flt: DocFilter | None = None,
    taxonomy: Taxonomy | None = None,
    docs: Sequence[DocThemes] | None = None,
) -> list[Evidence]:
    """Every passage (in documents the filter matches) in which ``theme`` counts, reviews first,
    newest first, then in reading order."""
    taxonomy = taxonomy or load_taxonomy()
    flt = flt or DocFilter()
    docs = document_themes(catalogue, flt, taxonomy) if docs is None else docs
    wanted = {(d.doc_id, pid) for d in docs for pid, themes in d.passage_themes.items() if theme in themes}
    if not wanted:
        return []
    # The words that signalled the theme, or the theme that implies it (parricide -> adult family homicide).
    signals = {t for t in taxonomy.ids() if theme in taxonomy.with_implied({t})}
    where, params = flt.sql()
    rows = catalogue.conn.execute(
        "SELECT o.doc_id, o.ordinal, o.passage_id, o.page, o.paragraph, o.section, o.section_kind, p.text,"
        " d.path, d.title, d.body, d.area, d.date, d.doc_type, d.url"
        " FROM occurrences o JOIN documents d USING (doc_id)"
        f" JOIN passages p USING (passage_id) WHERE {where} AND o.passage_id IN"
        " (SELECT passage_id FROM passage_themes WHERE theme_id IN (" + ",".join("?" * len(signals)) + "))",
        [*params, *sorted(signals)],
    ).fetchall()
    negatable = _negatable(taxonomy)
    words: dict[str, list[str]] = defaultdict(list)
    pids = {r["passage_id"] for r in rows}
    for pid, mentions in catalogue.theme_mentions(pids).items():
        for m in mentions:
            if m.theme_id in signals and (m.status == "present" or not negatable[m.theme_id]):
                if m.evidence not in words[pid]:
                    words[pid].append(m.evidence)
    out = []
    seen: set[tuple[str, int]] = set()
    for r in rows:
        if (r["doc_id"], r["passage_id"]) not in wanted or (r["doc_id"], r["ordinal"]) in seen:
            continue
        seen.add((r["doc_id"], r["ordinal"]))
        source = source_from_row(r)
        out.append(
            Evidence(
                r["doc_id"], r["passage_id"], r["ordinal"], r["text"], tuple(words[r["passage_id"]]), source
            )
        )
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


# --------------------------------------------------------------------------------------- search


def search_documents(
    search,
    doc_ids: set[str],
    query: str,
    catalogue: Catalogue,
    vectors,
    embedder,  # noqa: ANN001
    filters,
    top: int,
    per_doc: int | None,
) -> list:
    """``index.search.search`` restricted to passages of the documents ``doc_ids`` (those whose case
    characteristics match). Exact when ``Filters`` has a ``doc_ids`` field that both retrievers apply;
    otherwise more results are fetched and those from other documents dropped, so a match that
    ranks below the retrievers' candidate lists can be missed."""
    import dataclasses

    from index.search import fold_and_diversify

    if not doc_ids:
        return []
    if "doc_ids" in {f.name for f in dataclasses.fields(filters)}:
        filters = dataclasses.replace(filters, doc_ids=frozenset(doc_ids))
        return search(query, catalogue, vectors, embedder, filters, top, per_doc=per_doc)
    results = search(query, catalogue, vectors, embedder, filters, min(100, max(top * 8, 40)), per_doc=None)
    kept = []
    for ex in results:
        mine = tuple(s for s in ex.sources if s.doc_id in doc_ids)
        if mine:  # the matching documents' copies first: they are what the filter asked for
            kept.append(
                dataclasses.replace(
                    ex, sources=mine + tuple(s for s in ex.sources if s.doc_id not in doc_ids)
                )
            )
    return fold_and_diversify(kept, top, per_doc)
