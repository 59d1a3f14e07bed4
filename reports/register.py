"""The recommendations register: every numbered recommendation in the knowledge base as one row.

Built from the catalogue alone (no model, no vectors): the passages in sections of kind
"recommendations" are split back into individual recommendations at their printed numbers
("Recommendation 3", "8.2", "1.", "a."), and each is given

- the agency it is addressed to, where the text says: "Recommendation 3 (Police): ...",
  "... (Police)", the subject of "Hartshire Constabulary should ...", or a sub-heading that names
  an agency ("8.1 Police") inside the recommendations section;
- the themes of its passage whose words occur in the recommendation itself;
- its source(s): the document and position, so it carries its own citation. The same
  recommendation printed in two documents (an overview report and its executive summary) is one
  row citing both.

Which numbers count. In a section that numbers recommendations as "Recommendation N", only those
are recommendations: the numbered paragraphs around them ("8.1 The panel makes the following
recommendations") are preamble. Otherwise the section's paragraph numbers are the recommendation
numbers, minus paragraphs that only introduce the list; lettered items ("a.", "b.") count only in
a section with no numbered ones (a council report's "I recommend that Cabinet: a. ... b. ...").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from kb.agencies import agency_kinds, agency_matches
from kb.catalogue import Catalogue
from kb.citation import Source, review_name
from kb.models import normalise_text
from kb.query import Filters
from kb.sections import classify_heading

# A number as printed at the start of a recommendation, in four families ("Recommendation 3" and "R3"
# are one family).
_REC_WORD = r"Recommendation\s+(?:No\.?\s*)?(?P<rec>\d{1,3}[a-z]?)|(?P<short>R\d{1,3}[a-z]?)"
_DOTTED = r"(?P<dotted>\d{1,2}(?:\.\d{1,3}){1,3})\.?"
_PLAIN = r"(?P<plain>\d{1,3})[.)]"
_LETTER = r"\(?(?P<letter>[a-z])[.)]"
NUMBER = re.compile(rf"(?:{_REC_WORD}|{_DOTTED}|{_PLAIN}|{_LETTER})(?=\s|:|$)")
# Where a number may start a recommendation: the start of the text, after a sentence or clause
# end, or after a bullet.
_START = re.compile(r"(?:^[-\u2022\u00b7*]\s+|\s+[-\u2022\u00b7*]\s+|^|(?<=[.;:!?\"'\u201d\u2019)])\s+)")
_PREAMBLE = re.compile(
    r"\b(?:the following|these|below)\s+(?:\w+\s+){0,2}recommendations?\b"
    r"|\brecommendations?\s+(?:are|were|is|have been)\s+(?:made|set out|listed|as follows|included|below)"
    r"|\b(?:is|are) as follows\b"
    r"|^\s*(?:the panel|the review|the author|i|we)\s+(?:recommends?|makes?)\b[^.]*[:.]?\s*$",
    re.IGNORECASE,
)
_DIRECTIVE = re.compile(
    r"\b(should|must|shall|will|needs? to|is to|are to|to ensure|ensure|agree|approve|"
    r"consider|review|develop|provide|commission|establish|that the)\b",
    re.IGNORECASE,
)
_AGENCY_AFTER_NUMBER = re.compile(r"^\s*\((?P<agency>[^()]{2,80})\)\s*[:.\-\u2013]?\s*")
_AGENCY_PREFIX = re.compile(r"^\s*(?:For|To)\s+(?P<agency>[A-Z][^:]{1,80}):\s+")
_AGENCY_SUFFIX = re.compile(r"\s*\((?P<agency>[A-Z][^()]{1,80})\)\s*\.?\s*$")
_SUBJECT = re.compile(
    r"^(?:that\s+)?(?P<subject>[A-Z][\w'\u2019&,/\- ]{1,100}?)\s+(?:should|must|shall|will|is asked to|"
    r"are asked to|needs? to|is to|are to)\b"
)
# "It is recommended that Cabinet:" / "I recommend that the Committee:" before a list names who it is for.
_ADDRESSEE = re.compile(r"\brecommend(?:s|ed)?\s+that\s+(?:the\s+)?(?P<who>[A-Z][\w&' ]{1,60}?)\s*:\s*$")
_NOT_AGENCIES = set(
    "it|this|this review|review|panel|review panel|they|we|there|this work|this recommendation|that|these"
    "|which".split("|")
)


@dataclass(frozen=True)
class Recommendation:
    """One numbered recommendation, with where it was published."""

    review: str  # the review it comes from, as people name it: "DHR 'Anna' (Northbridge, 2021)", else the title
    number: str  # as printed: "Recommendation 3", "8.2", "1", "a"
    text: str  # the recommendation's words after its number (and agency prefix)
    agency: str | None  # who it is addressed to, where the text says
    themes: tuple[str, ...]
    sources: tuple[Source, ...]  # the first is the one cited; more when printed in several documents
    scope: str | None = None  # "single agency" / "overview" when the heading says so
    target_date: str | None = None  # from an action plan's "Target date" column, as printed

    @property
    def page(self) -> int | None:
        return self.sources[0].page

    @property
    def agency_kind(self) -> tuple[str, ...]:
        """The kinds of agency it is addressed to ("police" for "Hartshire Constabulary"); kb/data/agencies.toml."""
        return agency_kinds(self.agency)

    @property
    def source(self) -> Source:
        return self.sources[0]

    @property
    def citation(self) -> str:
        from kb.citation import cite_sources

        return cite_sources(self.sources)

    def to_dict(self) -> dict[str, object]:
        s = self.source
        return {
            "review": self.review,
            "number": self.number,
            "text": self.text,
            "agency": self.agency,
            "agency_kind": list(self.agency_kind),
            "themes": list(self.themes),
            "page": s.page,
            "paragraph": s.paragraph,
            "section": s.section,
            "scope": self.scope,
            "target_date": self.target_date,
            "body": s.body,
            "area": s.area,
            "date": s.date,
            "type": s.type,
            "path": s.path,
            "url": s.url,
            "citation": self.citation,
            "sources": [x.to_dict() for x in self.sources],
        }


# --- splitting a passage into numbered recommendations -----------------------------------------


@dataclass(frozen=True)
class Numbered:
    """A numbered paragraph found in recommendation text: its family, its number, and its words."""

    family: str  # "rec" | "dotted" | "plain" | "letter"
    number: str
    text: str


def _family(m: re.Match[str]) -> tuple[str, str]:
    if m.group("short"):
        return "rec", m.group("short")  # "R3" as printed
    for fam in ("rec", "dotted", "plain", "letter"):
        if m.group(fam):
            value = m.group(fam)
            return fam, (f"Recommendation {value}" if fam == "rec" else value)
    raise AssertionError("unreachable")  # pragma: no cover


def _key(family: str, number: str) -> tuple[int, ...]:
    """A sortable value: 'Recommendation 3' -> (3,), '8.2' -> (8, 2), 'c' -> (3,)."""
    if family == "letter":
        return (ord(number) - 96,)
    digits = re.findall(r"\d+", number)
    return tuple(int(d) for d in digits)


def _follows(family: str, prev: str | None, number: str) -> bool:
    """Whether `number` can be the next number after `prev` in the same list."""
    if prev is None:
        return True
    a, b = _key(family, prev), _key(family, number)
    if family == "rec":
        return b > a
    if family == "dotted":
        return len(a) == len(b) and a[:-1] == b[:-1] and 0 < b[-1] - a[-1] <= 2
    return 0 < b[0] - a[0] <= 2


def split_numbered(text: str, prev: dict[str, str | None] | None = None) -> tuple[str, list[Numbered]]:
    """Cut `text` at printed numbers that continue a list; returns (text before the first, pieces).

    `prev` maps each family to the last number seen so far in this section, so a list that runs
    across passages keeps its order ("8.3" after a passage that ended at "8.2"); it is updated.
    Within a piece, numbers that do not continue the list (a date, "section 4.2", sub-items of a
    different family) stay part of the text.
    """
    prev = prev if prev is not None else {}
    cuts: list[tuple[int, int, str, str]] = []  # (start, text start, family, number)
    for start in _START.finditer(text):
        pos = start.end()
        m = NUMBER.match(text, pos)
        if not m:
            continue
        family, number = _family(m)
        if (
            family == "letter"
            and m.group(0)[0] != "("
            and pos > 0
            and text[pos - 2 : pos].strip() not in ("", "-", "\u2022", "\u00b7", "*", ":", ";", ".")
        ):
            continue
        if not _follows(family, prev.get(family), number):
            continue
        if family == "letter" and prev.get(family) is None and number != "a":
            continue  # a lettered list starts at "a": not "e.g." or "i.e."
        # every family is cut here; `choose_family` and `merge_pieces` decide which one is the list
        cuts.append((start.start() if start.start() < pos else pos, m.end(), family, number))
        prev[family] = number
        if family != "letter":
            prev["letter"] = None  # lettered sub-items restart under each number
    if not cuts:
        return text.strip(), []
    pieces = []
    for i, (_, body_start, family, number) in enumerate(cuts):
        end = cuts[i + 1][0] if i + 1 < len(cuts) else len(text)
        pieces.append(Numbered(family, number, text[body_start:end].strip()))
    return text[: cuts[0][0]].strip(), pieces


def choose_family(pieces: Sequence[Numbered]) -> str | None:
    """Which family of numbers in a section are the recommendations (see the module docstring)."""
    families = {p.family for p in pieces}
    if "rec" in families:
        return "rec"
    for p in pieces:
        if p.family in ("dotted", "plain") and not is_preamble(p.text):
            return p.family
    return "letter" if "letter" in families else None


def is_preamble(text: str) -> bool:
    """A paragraph that introduces or frames the recommendations rather than making one."""
    first = re.split(r"(?<=[.:])\s", text.strip(), maxsplit=1)[0]
    if _PREAMBLE.search(first):
        return True
    return text.rstrip().endswith(":") and len(text.split()) < 25 and not _DIRECTIVE.search(text)


def merge_pieces(
    found: Sequence[tuple[Numbered, Source, str]], family: str
) -> list[tuple[Numbered, Source, str]]:
    """Keep the chosen family's pieces; fold deeper pieces that follow one into it (its sub-items)."""
    out: list[tuple[Numbered, Source, str]] = []
    for item in found:
        p = item[0]
        if p.family == family:
            if not (family in ("dotted", "plain") and is_preamble(p.text)):
                out.append(item)
        elif out and _rank(p.family) > _rank(family):
            last, source, pid = out[-1]
            marker = f"{p.number}." if p.family in ("letter", "plain") else p.number
            out[-1] = (replace(last, text=f"{last.text} {marker} {p.text}".strip()), source, pid)
    return out


def recommendations_in(text: str) -> list[Numbered]:
    """The numbered recommendations in one run of text, preamble and sub-items handled as in a section."""
    _, pieces = split_numbered(text)
    family = choose_family(pieces)
    if family is None:
        return []
    return [p for p, _, _ in merge_pieces([(p, None, "") for p in pieces], family)]  # type: ignore[misc]


def _rank(family: str) -> int:
    """How deep a family usually sits: recommendations hold dotted, plain and lettered sub-items."""
    return {"rec": 0, "dotted": 1, "plain": 2, "letter": 3}[family]


# --- agency --------------------------------------------------------------------------------------


def split_agency(text: str, heading_agency: str | None = None) -> tuple[str | None, str]:
    """(agency, text without an agency label) from a recommendation's words."""
    m = _AGENCY_AFTER_NUMBER.match(text)
    if m and not re.search(r"\b(see|para|paragraph|page)\b", m.group("agency"), re.IGNORECASE):
        return _clean_agency(m.group("agency")), text[m.end() :].strip()
    text = re.sub(r"^[\s:.\-\u2013]+", "", text).strip()
    m = _AGENCY_PREFIX.match(text)
    if m:
        return _clean_agency(m.group("agency")), text[m.end() :].strip()
    m = _AGENCY_SUFFIX.search(text)
    if m and len(m.group("agency").split()) <= 8:
        return _clean_agency(m.group("agency")), text[: m.start()].rstrip() + (
            "." if text.rstrip().endswith(".") else ""
        )
    m = _SUBJECT.match(text)
    if m:
        # "Fellside Children's Services, through the Education Safeguarding Team, should" -> the first part
        subject = _clean_agency(re.sub(r"^the\s+", "", m.group("subject").split(",")[0], flags=re.IGNORECASE))
        if subject and subject.lower() not in _NOT_AGENCIES and len(subject.split()) <= 12:
            return subject, text
    return heading_agency, text


def _clean_agency(name: str) -> str | None:
    name = re.sub(r"\s+", " ", name).strip(" ,;:.")
    return name or None


def agency_from_heading(heading: str | None, heading_kind: str | None) -> str | None:
    """A sub-heading inside a recommendations section that is not itself a kind of section names
    the agency the recommendations under it are for ("8.1 Police", "Hartshire Constabulary")."""
    if not heading or heading_kind:
        return None
    name = re.sub(r"^(?:section\s+)?\d{1,2}(?:\.\d{1,2})*\.?\s*", "", heading.strip(), flags=re.IGNORECASE)
    name = name.strip(" :")
    if not name or len(name.split()) > 8 or re.search(r"[.?!]$", name):
        return None
    return name


def scope_of(heading: str | None) -> str | None:
    if not heading:
        return None
    lowered = heading.lower()
    if "single agency" in lowered or "single-agency" in lowered or "individual agency" in lowered:
        return "single agency"
    if "overview" in lowered or "multi-agency" in lowered or "multi agency" in lowered or "panel" in lowered:
        return "overview"
    return None


# --- the register --------------------------------------------------------------------------------


@dataclass
class _Draft:
    number: str
    text: str
    agency: str | None
    source: Source
    passage_id: str
    scope: str | None
    extra_sources: list[Source] = field(default_factory=list)
    target_date: str | None = None


def recommendation_rows(catalogue: Catalogue) -> Iterable[tuple[Source, str, str, tuple[str, ...], str]]:
    """(source, passage id, text, themes, review name) for every passage in a recommendations
    section of a published document, in document order."""
    names = {d.doc_id: review_name(d) for d in catalogue.documents()}
    for o in catalogue.published_occurrences(("recommendations", "action_plan")):
        yield o.source, o.passage_id, o.text, o.themes, names.get(o.source.doc_id, o.source.title)


# An action plan's columns as councils head them; a row's cells come as "Column: text · Column: text".
_CELL_SPLIT = " \u00b7 "
_REC_COLUMN = re.compile(r"^(?:recommendations?|recommendation text)$", re.IGNORECASE)
_NUMBER_COLUMN = re.compile(
    r"^(?:no\.?|number|ref\.?|rec(?:ommendation)?\.?\s*(?:no\.?|number|ref\.?))$", re.IGNORECASE
)
_AGENCY_COLUMN = re.compile(r"^(?:lead|responsible|owner|owning)?\s*(?:agency|agencies|organisation|owner|lead)"
                            r"(?:\s*\(s\))?$", re.IGNORECASE)
_DATE_COLUMN = re.compile(r"^(?:target|completion|due|review)?\s*(?:date|timescales?|deadline)$", re.IGNORECASE)


_ROW_NUMBER = re.compile(
    r"^(?:recommendation\s+)?(\d{1,3}(?:\.\d{1,3})*[a-z]?)[.):]?\s+(.*)$", re.IGNORECASE | re.DOTALL
)


def row_cells(text: str) -> dict[str, str]:
    """The named cells of a table-row passage ("Lead agency: Probation · Target date: May 2024")."""
    cells = {}
    for part in text.split(_CELL_SPLIT):
        name, sep, value = part.partition(": ")
        if sep and name.strip() and len(name) <= 40:
            cells[name.strip()] = value.strip()
    return cells


def _cell(cells: dict[str, str], pattern: re.Pattern[str]) -> str | None:
    return next((v for k, v in cells.items() if pattern.match(k) and v), None)


def _action_plan_draft(source: Source, pid: str, text: str) -> _Draft | None:
    """One action-plan row as a recommendation: its number and words, lead agency and target date.

    A row with no recommendation text but a number ("No.: 3 · Action: ...") refers to a
    recommendation printed in the text: it comes back with empty words, to be merged into that one.
    """
    cells = row_cells(text)
    words = _cell(cells, _REC_COLUMN) or ""
    number = _cell(cells, _NUMBER_COLUMN)
    m = _ROW_NUMBER.match(words)
    if m:
        number, words = number or m.group(1), m.group(2)
    if not words and not number:
        return None
    agency = _cell(cells, _AGENCY_COLUMN)
    return _Draft(number or source.paragraph, words, agency, source, pid, "action plan",
                  target_date=_cell(cells, _DATE_COLUMN))


def _number_key(number: str) -> str:
    """'Recommendation 3', 'R3', '3' and '3.' name the same recommendation within one review."""
    return re.sub(r"^(?:recommendation\s+(?:no\.?\s*)?|r(?=\d))", "", number.strip().lower()).rstrip(".")


def _drafts_for_document(passages: list[tuple[Source, str, str]]) -> list[_Draft]:
    """Split one document's recommendation passages (in order) into numbered recommendations.

    Numbering is followed within a run of passages under the same heading; a new heading
    ("Single agency recommendations", "8.2 Police") starts a new list.
    """

    drafts: list[_Draft] = []
    rows = [p for p in passages if p[0].section_kind == "action_plan"]
    passages = [p for p in passages if p[0].section_kind != "action_plan"]
    groups: list[list[tuple[Source, str, str]]] = []
    for item in passages:
        if not groups or groups[-1][-1][0].section != item[0].section:
            groups.append([])
        groups[-1].append(item)

    for group in groups:
        heading = group[0][0].section
        heading_agency = agency_from_heading(heading, classify_heading(heading) if heading else None)
        prev: dict[str, str | None] = {}
        found: list[tuple[Numbered, Source, str]] = []
        last_label: str | None = None
        addressee = heading_agency
        for source, pid, text in group:
            if found and source.paragraph == last_label and not NUMBER.match(text):
                # the rest of an over-long recommendation that the passage cutter split at a sentence end
                piece, src, first_pid = found[-1]
                found[-1] = (replace(piece, text=f"{piece.text} {text.strip()}"), src, first_pid)
                continue
            last_label = source.paragraph
            before, pieces = split_numbered(text, prev)
            m = _ADDRESSEE.search(before)
            if m and not found:
                addressee = _clean_agency(m.group("who"))
            found += [(p, source, pid) for p in pieces]
        family = choose_family([p for p, _, _ in found])
        if family is None:
            continue
        for piece, source, pid in merge_pieces(found, family):
            agency, words = split_agency(piece.text, addressee)
            drafts.append(
                _Draft(piece.number, words, agency, _cited_at(source, piece), pid, scope_of(heading))
            )
    by_number = {_number_key(d.number): d for d in drafts}
    for source, pid, text in rows:  # the action plan, usually at the end, after the text's recommendations
        draft = _action_plan_draft(source, pid, text)
        if draft is None:
            continue
        named = by_number.get(_number_key(draft.number)) if not draft.text else None
        if named is not None:  # a row about a recommendation of the text: its lead agency and target date
            named.agency = named.agency or draft.agency
            named.target_date = named.target_date or draft.target_date
            named.extra_sources.append(draft.source)
        elif draft.text:
            drafts.append(draft)
    return drafts


def _cited_at(source: Source, piece: Numbered) -> Source:
    """The source with the recommendation's own number as its paragraph, not the passage's range
    ("Recommendation 2" rather than "Recommendation 2\u20133"); a minutes item prefix is kept."""
    number = f"({piece.number})" if piece.family == "letter" else piece.number
    m = re.match(r"^(item \d+, )", source.paragraph)
    return replace(source, paragraph=(m.group(1) if m else "") + number)


def _themes_for(
    text: str, passage_themes: tuple[str, ...], evidence: dict[str, list[str]], whole: bool
) -> tuple[str, ...]:
    """The passage's themes whose matched words occur in this recommendation's text."""
    if whole:
        return passage_themes
    lowered = text.lower()
    return tuple(t for t in passage_themes if any(e.lower() in lowered for e in evidence.get(t, [])))


def build_register(
    catalogue: Catalogue, filters: Filters | None = None, agency: str | None = None
) -> list[Recommendation]:
    """Every numbered recommendation, oldest document first, optionally filtered.

    `filters.theme` keeps recommendations about that theme and its document fields (area, type,
    dates, case characteristics) keep those documents; `agency` matches a kind of agency ("police"
    finds "Hartshire Constabulary", kb/agencies.py) or any part of the agency's name, case-insensitively.
    """
    filters = filters or Filters()
    doc_ids = catalogue.document_ids(filters)
    per_doc: dict[str, list[tuple[Source, str, str]]] = {}
    passage_info: dict[str, tuple[str, tuple[str, ...]]] = {}
    titles: dict[str, str] = {}
    for source, pid, text, themes, title in recommendation_rows(catalogue):
        per_doc.setdefault(source.doc_id, []).append((source, pid, text))
        passage_info[pid] = (text, themes)
        titles[source.doc_id] = title
    mentions = catalogue.theme_mentions(passage_info)
    evidence = {pid: _evidence(rows) for pid, rows in mentions.items()}

    drafts: list[_Draft] = []
    for items in per_doc.values():
        drafts += _drafts_for_document(items)
    pieces_per_passage: dict[str, int] = {}
    for d in drafts:
        pieces_per_passage[d.passage_id] = pieces_per_passage.get(d.passage_id, 0) + 1

    merged: dict[tuple[str, str], _Draft] = {}
    order: list[tuple[str, str]] = []
    for d in drafts:
        key = (d.number.lower(), normalise_text(d.text))
        if key in merged:
            kept = merged[key]
            if d.source not in kept.extra_sources and d.source != kept.source:
                kept.extra_sources.append(d.source)
            kept.agency = kept.agency or d.agency  # the action plan names the lead agency the text may not
            kept.target_date = kept.target_date or d.target_date
            continue
        merged[key] = d
        order.append(key)

    register = []
    for key in order:
        d = merged[key]
        text, themes = passage_info[d.passage_id]
        rec_themes = _themes_for(
            d.text, themes, evidence.get(d.passage_id, {}), pieces_per_passage[d.passage_id] == 1
        )
        register.append(
            Recommendation(
                review=titles[d.source.doc_id],
                number=d.number,
                text=d.text,
                agency=d.agency,
                themes=rec_themes,
                sources=(d.source, *d.extra_sources),
                scope=d.scope,
                target_date=d.target_date,
            )
        )
    return [r for r in register if _matches(r, filters.theme, agency, doc_ids)]


def _evidence(rows: Iterable[object]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in rows:
        out.setdefault(row.theme_id, []).append(row.evidence)  # type: ignore[attr-defined]
    return out


def _matches(r: Recommendation, theme: str | None, agency: str | None, doc_ids: frozenset[str] | None) -> bool:
    if theme and theme not in r.themes:
        return False
    if agency and not agency_matches(agency, r.agency):
        return False
    return doc_ids is None or any(s.doc_id in doc_ids for s in r.sources)


REGISTER_COLUMNS = (
    "review",
    "number",
    "agency",
    "agency_kind",
    "target_date",
    "text",
    "themes",
    "page",
    "paragraph",
    "body",
    "area",
    "date",
    "type",
    "url",
    "citation",
)
