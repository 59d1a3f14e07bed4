"""Document metadata: detected from what the text says, overridden by a sidecar file or a manifest.

A sidecar is JSON next to the document, named `<file name>.meta.json` (e.g. `report.pdf.meta.json`)
or `<stem>.meta.json`, with any of: title, body, area, date, type, url, and further keys kept as
extra metadata (e.g. review_kind, victim_age_band). A manifest row (ingest/manifest.py) carries the
same keys for a library download and wins over both. Where each field came from is kept in
``extra["provenance"]``: ``detected``, ``sidecar``, ``manifest`` or ``missing``.

Detection reads the document as a reader does: the title is the cover's largest text, a committee
report's "Subject:" line or the document's own heading (never a template name from the file's
properties, an addressee or a byline); the area is that of a council, partnership or police force of
the data file kb/data/areas.csv, preferring the body named on the cover; the date is the one the
document belongs to (published, meeting, completed) rather than dates of events it mentions.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from ingest.blocks import Block, Extracted
from ingest.structure import NOISE
from kb.areas import Mention, body_of_domain, find_mentions, find_national, resolve
from kb.characteristics import detect_characteristics, detect_names
from kb.citation import format_date
from kb.dates import document_date, find_dates, parse_date
from kb.errors import ExtractionError
from kb.models import DOC_TYPES, DocumentMeta

FIELDS = ("title", "body", "area", "date", "type")
COMMITTEE_WORDS = r"(?:Committee|Cabinet|Panel|Board|Council|Commission|Partnership|Forum|Executive)"
MEETING_LINE = re.compile(
    r"Meeting:\s*(?P<date>\d{1,2}/\d{1,2}/\d{4})\s*[-\u2013]\s*(?P<body>.+?)\s*(?:\(Item\s*(?P<item>\d+)\))?\s*$",
    re.IGNORECASE,
)
BODY_DATE_LINE = re.compile(
    r"^(?P<body>[^\n]{0,120}?\b" + COMMITTEE_WORDS + r"[^\n]{0,40}?)\s*(?:[-\u2013\u2014,:]|\bmeeting\s+on\b|\bon\b)\s*"
    r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+,?\s+\d{4}",
)
# A place named only by a typed council or partnership name ("Kelsey Vale County Council"): for areas the
# data file does not list. A bare "... Council" is not enough: "General Medical Council" is no place.
UNLISTED_BODY = re.compile(
    r"\b((?:[A-Z][a-zA-Z'&]+(?:[- ](?:and|on|upon|under|le|in|of)?[- ]?[A-Z][a-zA-Z'&]+)*?))\s+"
    r"(County Council|City Council|Borough Council|District Council|Metropolitan Borough Council"
    r"|Community Safety Partnership|Safer Communities (?:Partnership|Board)|CSP|MARAC)\b"
)
SAFER_PARTNERSHIP = re.compile(r"\bSafer ((?:[A-Z][a-zA-Z'&-]+)(?: [A-Z][a-zA-Z'&-]+)?) Partnership\b")
NOT_PLACE_WORDS = {
    "stronger", "communities", "community", "neighbourhoods", "together", "places", "streets", "lives", "homes",
    "the", "county", "city", "borough", "district", "town", "parish", "local", "each", "this", "our", "all",
    "both", "relevant", "a", "an", "and", "tier", "upper", "lower", "members", "full", "every", "any", "other",
    "neighbouring", "partner", "new", "former", "shadow", "unitary", "metropolitan",
}
_CSP = (
    "Community Safety Partnership", "Safer Communities Partnership", "Safer Communities Board", "CSP", "Partnership"
)
_SAB = ("Safeguarding Adults Board", "Safeguarding Adults Partnership", "Safeguarding Adult Board")
PUBLISHERS_OF_REVIEWS = {  # who commissions a review: a DHR's partnership, a SAR's board
    "dhr_overview_report": _CSP + _SAB,
    "dhr_executive_summary": _CSP + _SAB,
    "safeguarding_adult_review": _SAB + _CSP,
}
GENERIC_TITLES = re.compile(
    r"^(issue\s*-\s*meetings|agenda item(?:\s+no\.?)?\s*\d*[a-z]?|item\s+\d+[a-z]?"
    r"|(?:appendix|annex|annexe)\s+[a-z0-9]{1,3}|agendas?,? meetings and minutes.*|agenda and minutes"
    r"|local members'? interests?(?:\s+n/?a)?|agenda|minutes|public pack|unrestricted|restricted|exempt"
    r"|n/?a|official(?:[- ]sensitive)?|fictional sample document.*|not protectively marked|contents|"
    r"this page is intentionally left blank|executive decision|key decision|decision report|report"
    r"|venue:.*|contact:.*|date:.*|time:.*|meeting:.*|report (?:completed|published|date).*|page \d+.*)$",
    re.IGNORECASE,
)
# Names of the form a document was made from, not of the document.
TEMPLATE_NAME = re.compile(r"\btemplate\b|^normal(?:\.dotm?)?$|^(?:word|report|agenda) (?:document|template)", re.I)
# Who wrote a paper and whom it goes to. 'From', 'By' and 'To' need a colon or a role after them, so a title
# like "From Harm to Hope" stays a title.
BYLINE = re.compile(
    r"^(?:(?:from|by|to|cc)\s*:"
    r"|(?:from|by|to)\s+[^\n]*\b(?:director|officer|cabinet|member|leader|head|manager|committee|chair|executive)\b"
    r"|(?:authors?|prepared by|written by|ask for|contact(?: officer)?|report (?:of|by|author)|lead officer"
    r"|responsible officer)\b\s*:?|dear\b|yours\b)",
    re.IGNORECASE,
)
FURNITURE = re.compile(r"\s\|\s|www\.|https?://|\S+@\S+\.\w|\btel(?:ephone)?\b\s*:|\bdirect dial\b|\bpage \d", re.I)
PERSON = re.compile(
    r"^(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Cllr|Councillor|Sir|Dame)\.?\s+)?"
    r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?:\s+[A-Z]\.?)?\s+(?:(?:de|van|von|le|la|di|da)\s+)?[A-Z][a-zA-Z'\-]+$"
)
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
LABELLED_TITLE = re.compile(
    r"^(?:subject|re|title|report title|name of (?:activity|report|review|document|project)"
    r"|[^:\n]{0,40}\((?:\w+\s+)?title\))\s*(?::\s*\u00b7?|\u00b7)\s*(?P<title>.{3,250})$",  # a form's cell: '·'
    re.IGNORECASE,
)
MODERN_GOV_PACK = re.compile(
    r"^\((?:public|supplementary|reports?)\s+pack\)\s*(?P<title>.+?)(?:\s+Agenda(?:\s+Supplement)?\s+for\s+.+)?$",
    re.IGNORECASE,
)
# Besides the national bodies of the data file: marks of a document published nationally.
NATIONAL_MARKS = re.compile(
    r"\bCrown copyright\b|\bHM Government\b|\bUniversity\b|\bResearch\b|\bDepartment (?:for|of) [A-Z]"
)
TOP_CHARS = 2500
COVER_BLOCKS = 12  # where a document has no pages, its cover is at most this many blocks


def load_sidecar(path: Path) -> dict[str, str]:
    """The sidecar metadata for `path`, or {} when there is none."""
    for candidate in (path.with_name(path.name + ".meta.json"), path.with_suffix(".meta.json")):
        if candidate.is_file():
            try:
                data = json.loads(candidate.read_text("utf-8"))
            except (OSError, ValueError) as exc:
                raise ExtractionError(path, f"sidecar {candidate.name} is not valid JSON ({exc})") from exc
            if not isinstance(data, dict):
                raise ExtractionError(path, f"sidecar {candidate.name} must hold a JSON object")
            return {str(k): str(v) for k, v in data.items() if v is not None}
    return {}


# --- type ------------------------------------------------------------------------------------------------

SALUTATION = re.compile(r"^Dear\b", re.MULTILINE)
MEETING_MARKERS = re.compile(
    r"^meeting:|issue\s*-\s*meetings|agenda and minutes|^agenda item|^minutes:?$|^\(?item \d+\)?$|^agenda$",
    re.IGNORECASE | re.MULTILINE,
)
REPORT_MARKERS = re.compile(r"\breport to\b|\breport of\b|\b(?:i|it is) recommend(?:ed)? that\b|\bcabinet\b", re.I)
ROUTING = re.compile(
    r"^(?:subject\s*:|decision\s+(?:no|number)\b|key decision\b"
    r"|to:?\s+[^\n]{0,80}\b(?:cabinet|committee|council|board|panel|executive|cabinet member)\b)",
    re.IGNORECASE | re.MULTILINE,
)
SAR = re.compile(r"\bsafeguarding adults? review\b|\bSAR\b", re.IGNORECASE)
INSPECTION = re.compile(
    r"\binspection of\b|\binspection report\b|\binspection dates?\b|\bjoint targeted area inspection\b"
    r"|\bfocused visit\b|\bmonitoring visit\b|\binspection of (?:local authority|services)\b",
    re.IGNORECASE,
)
GUIDANCE = re.compile(
    r"\b(?:statutory|non-statutory|practice|interim|multi-agency|government)\s+guidance\b|^guidance\b"
    r"|\bguidance (?:for|on)\b"
    r"|\badvice for\b|\bcode of practice\b|\bpractice guide\b",
    re.IGNORECASE | re.MULTILINE,
)
RESEARCH = re.compile(
    r"\bresearch (?:report|findings|study|briefing|summary)\b|\bevaluation (?:report|of)\b|\bmarket research\b"
    r"|\bliterature review\b|\bsurvey (?:report|findings|results)\b|\bfindings from\b"
    # or a short line that names it ('Community Safety Survey 2023: Findings'), not a sentence about research
    r"|^(?:[^\n.]{0,60}\s)?(?:research|evaluation|study|survey)\b[^\n.]{0,60}$",
    re.IGNORECASE | re.MULTILINE,
)


def detect_type(top: str, full: str, cover: str = "") -> str:
    """The kind of document, from words on its cover and near its start (and a few anywhere)."""
    head = top.lower()
    title_zone = (cover or top)[:700]
    meeting = MEETING_MARKERS.search(top) is not None
    is_dhr = "domestic homicide review" in head or re.search(r"\bDHR\b", top) is not None
    dhr_title = "domestic homicide review" in title_zone.lower() or re.search(r"\bDHR\b", title_zone) is not None
    if SAR.search(title_zone) and not dhr_title and not meeting and not ROUTING.search(title_zone):
        return "safeguarding_adult_review"
    if is_dhr and not meeting and SALUTATION.search(title_zone):
        return "other"  # a letter about a review (the Home Office panel's, say) is not the review
    if is_dhr and not meeting:
        if "executive summary" in title_zone.lower():
            return "dhr_executive_summary"
        if "overview report" in head or "terms of reference" in full.lower():
            return "dhr_overview_report"
    if REPORT_MARKERS.search(top) and re.search(r"\brecommend", head) and "report to" in head:
        return "committee_report"
    if ROUTING.search(title_zone) and not meeting:
        return "committee_report"
    if meeting or re.search(r"\bminutes\b", title_zone, re.IGNORECASE):
        return "committee_minutes"
    for kind, pattern in (("inspection_report", INSPECTION), ("guidance", GUIDANCE), ("research", RESEARCH)):
        if pattern.search(title_zone):
            return kind
    if re.search(r"\bminutes\b", top, re.IGNORECASE) or "RESOLVED" in full:
        return "committee_minutes"
    if REPORT_MARKERS.search(head) or re.search(r"\brecommendations?\b|\bselect committee\b", head):
        return "committee_report"
    return "other"


# --- area and body ---------------------------------------------------------------------------------------

def _unlisted_bodies(text: str) -> list[tuple[str, str]]:
    """(place, printed name) for typed council or partnership names whose place the data file does not list."""
    found = []
    for m in UNLISTED_BODY.finditer(text):
        words = m.group(1).split()
        while words and words[0].lower() in NOT_PLACE_WORDS:
            words = words[1:]
        if not words or resolve(" ".join(words)) is not None or any(
            w.lower() in NOT_PLACE_WORDS and w not in ("and", "of") for w in words
        ):
            continue  # a listed place, or words that are no place's name ("Income The County Council")
        found.append((" ".join(words), f"{' '.join(words)} {m.group(2)}"))
    for m in SAFER_PARTNERSHIP.finditer(text):
        words = m.group(1).split()
        if resolve(m.group(1)) is None and not any(w.lower() in NOT_PLACE_WORDS for w in words):
            found.append((m.group(1), m.group(0)))
    return found


def _acronym_mentions(text: str, mentions: list[Mention]) -> Counter[str]:
    """Areas named through an acronym the text defines: 'Kent County Council (KCC)' makes each 'KCC' count."""
    counts: Counter[str] = Counter()
    for m in mentions:
        if not m.named_body:
            continue
        after = text[m.end : m.end + 12]
        acronym = re.match(r"\s*\(([A-Z][A-Za-z&]{1,7})\)", after)
        if acronym and resolve(acronym.group(1)) is None:
            counts[m.body.area] += len(re.findall(r"\b" + re.escape(acronym.group(1)) + r"\b", text)) - 1
    return counts


EMAIL = re.compile(r"\b[\w.'-]+@([\w-]+(?:\.[\w-]+)*\.(?:gov|police)\.uk)\b", re.IGNORECASE)


def _email_areas(text: str) -> Counter[str]:
    """Areas of the councils and forces whose staff are the contacts: each address at 'kent.gov.uk' counts 2."""
    counts: Counter[str] = Counter()
    for address in {m.group(0).lower() for m in EMAIL.finditer(text)}:
        body = body_of_domain(address.split("@", 1)[1])
        if body is not None:
            counts[body.area] += 2
    return counts


def detect_area(
    cover: str, full: str, national: bool = False, title: str = "", doc_type: str = "other"
) -> tuple[str | None, str | None]:
    """(area, body): the place whose council, partnership or police force the document is by or about.

    A body named on the cover outweighs places named in the text ("Swale" does not beat "Kent County
    Council" on a KCC paper); a bare place name counts only on the cover. A national document (`national`)
    has an area only when its title names a place or its cover names a council, partnership or force.
    """
    scores: Counter[str] = Counter()
    bodies: dict[str, list[str]] = {}
    for m in find_mentions(cover):
        if m.named_body or not national:
            scores[m.body.area] += 10 if m.named_body else 4
        if m.partnership:
            bodies.setdefault(m.body.area, []).append(m.text)
    for m in find_mentions(title):
        scores[m.body.area] += 10
    if not scores:
        for place, printed in _unlisted_bodies(cover):
            scores[place] += 10
            bodies.setdefault(place, []).append(printed)
    if national and not scores:
        return None, None
    mentions = find_mentions(full)
    for m in mentions:  # in the text: a body's name counts 1 (a force's 0.5), a bare place a quarter
        scores[m.body.area] += (0.5 if m.body.kind == "police" else 1) if m.named_body else 0.25
        if m.named_body:
            if m.partnership:
                bodies.setdefault(m.body.area, []).append(m.text)
    scores.update(_acronym_mentions(full, mentions))
    scores.update(_email_areas(full))
    if not scores:  # only where no listed body is named: the place may be one the data file does not know
        for place, printed in _unlisted_bodies(full):
            scores[place] += 1
            bodies.setdefault(place, []).append(printed)
    if not scores:
        return None, None
    area = max(scores, key=lambda a: (scores[a], -len(a)))
    return area, _body_for(area, bodies.get(area, []), doc_type)


def _body_for(area: str, printed: list[str], doc_type: str) -> str | None:
    """The body that publishes for `area`: for a review, the partnership that commissioned it (as printed);
    else the council of the data file, or a council's name as printed for a place the data file lacks."""
    preferred = PUBLISHERS_OF_REVIEWS.get(doc_type, ())
    for suffix in preferred:
        named = [p for p in printed if p.endswith(suffix)]
        if named:
            return Counter(named).most_common(1)[0][0]
    known = resolve(area)
    if known is not None and known.kind != "police":
        return known.name
    councils = [p for p in printed if p.endswith("Council")]
    return Counter(councils or printed).most_common(1)[0][0] if printed else None


def meeting_body_and_date(lines: list[str]) -> tuple[str | None, str | None]:
    """(committee, date) from a meeting line ('Meeting: 06/07/2021 - X Committee', 'Cabinet - 19 October 2022')."""
    for line in lines[:40]:
        m = MEETING_LINE.search(line)
        if m:
            return m.group("body").strip(" -"), parse_date(m.group("date"))
        if BYLINE.match(line) or NOT_A_MEETING_LINE.search(line) or len(line.split()) > 20:
            continue  # a routing line ("To: Cabinet - 30 January 2025") or a sentence about another meeting
        m = BODY_DATE_LINE.match(line)
        if m:
            body = re.sub(r"\s+meeting$", "", m.group("body").strip(" -\u2013,"), flags=re.IGNORECASE)
            return body, parse_date(line)
    return None, None


NOT_A_MEETING_LINE = re.compile(
    r"^\(|\b(?:pathway|held on|during|previous|last|since|at the|considered|attended|agreed)\b", re.IGNORECASE
)


# --- date ------------------------------------------------------------------------------------------------

def detect_date(top: str) -> str | None:
    """The document's own date from its opening text, by the precedence of kb.dates.document_date."""
    return document_date([line for line in top.split("\n") if line.strip()])


# --- title -----------------------------------------------------------------------------------------------

def _subject_of_review(lines: list[str]) -> str:
    """' into the death of 'Anna'' or ' (Margaret)' from the lines after a DHR's title, else ''."""
    for line in lines:
        m = re.match(
            r"^((?:in)?to the death of|concerning|regarding|following the death of)\s+([^,;]{2,60})", line, re.I
        )
        if m:
            return f" {m.group(1).lower()} {m.group(2).strip()}"
        m = re.match(r"^[\u2018'\"]?([A-Z][a-z]+(?: [A-Z][a-z]+)?)[\u2019'\"]?\s*\(pseudonym\)", line)
        if m:
            return f" ({m.group(1)})"
    return _named_subject(lines[0]) if lines else ""


def _named_subject(line: str) -> str:
    """' - Daniel' from a cover line naming whom the review is about ('Daniel, who died in January 2022')."""
    if ":" in line or BYLINE.match(line) or re.match(r"^\(?\d", line):
        return ""
    subject = re.sub(r",\s*who died\b.*$|\s*\(.*\)\s*$", "", line)
    subject = re.sub(r"\s+(?:in|on)\s+(?:\d{1,2}\w*\s+)?[A-Z][a-z]+\s+\d{4}\s*$", "", subject).strip(" ,")
    if not subject or len(subject.split()) > 10 or find_dates(subject) or not re.search(r"[A-Z]", subject):
        return ""
    return f" - {subject}"


REVIEW_NAME = re.compile(r"domestic homicide review|safeguarding adults? review", re.IGNORECASE)


def _review_title(lines: list[str]) -> str | None:
    """A review's title: its 'Domestic Homicide Review' (or SAR) line, the report kind and whom it is about."""
    for i, line in enumerate(lines[:30]):
        if REVIEW_NAME.search(line) and len(line.split()) <= 25 and not BYLINE.match(line):
            title = _readable(line.rstrip(":"))
            rest = lines[i + 1 : i + 4]
            if rest and re.search(r"report|summary", rest[0], re.I) and len(rest[0].split()) <= 12:
                title = f"{title}: {_readable(rest[0])}"
                rest = rest[1:]
            return title + _subject_of_review(rest)
    return None


def _not_a_title(text: str) -> bool:
    """Cover lines that are never the title: markings, template names, bylines, contact details, numbers."""
    return (
        GENERIC_TITLES.match(text) is not None
        or BYLINE.match(text) is not None
        or FURNITURE.search(text) is not None
        or re.fullmatch(r"[\d\W]+", text) is not None
        or len(text.split()) > 30
    )


def _is_addressee(lines: list[str], i: int) -> bool:
    """A person's name heading a letter: followed closely by a postcode or a salutation."""
    if not PERSON.match(lines[i]):
        return False
    following = " ".join(lines[i + 1 : i + 8])
    return POSTCODE.search(following) is not None or re.search(r"\bDear\b", following) is not None


def _readable(text: str) -> str:
    """An all-capitals title in title case ('CABINET' -> 'Cabinet'); other titles unchanged."""
    text = re.sub(r"\s+", " ", text).strip(" :-\u2013")
    text = re.sub(r"(?<=[a-z])\d{1,2}$", "", text)  # a footnote mark after the last word
    if text.isupper() and len(text) > 3:
        words = text.lower().split()
        return " ".join(_title_case(w, first=i == 0) for i, w in enumerate(words))
    return text


SMALL_WORDS = {"and", "of", "the", "for", "in", "on", "to", "a", "an", "at", "by", "with", "from", "into"}
# Acronyms a title in capitals keeps: "KENT DHR ANNUAL REPORT" is "Kent DHR Annual Report".
ACRONYMS = {
    w: w.upper()
    for w in (
        "dhr", "dhrs", "sar", "sars", "csp", "marac", "mappa", "idva", "isva", "nhs", "vawg", "lscb", "sab", "eqia",
        "mash", "icb", "gp", "uk", "ccg", "mtfp", "ics", "kcc", "bcp", "jtai", "send", "cqc",
    )
} | {"ofsted": "Ofsted", "dfe": "DfE"}


def _title_case(word: str, first: bool) -> str:
    """One word of an all-capitals title, in title case."""
    bare = word.strip("()[],.:;'\"")
    if bare in ACRONYMS:
        return word.replace(bare, ACRONYMS[bare])
    if bare in SMALL_WORDS and not first:
        return word
    return word[:1].upper() + word[1:]


def norm_words(text: str) -> str:
    """Lower-case words only, for comparing names."""
    return " ".join(re.findall(r"\w+", text.lower()))


def _body_size(blocks: list[Block]) -> float | None:
    """The size most of a document's text is set in."""
    sizes: Counter[float] = Counter()
    for b in blocks:
        if b.size:
            sizes[round(b.size)] += len(b.text)
    return sizes.most_common(1)[0][0] if sizes else None


def _cover_title(cover: list[Block], body_size: float | None) -> str | None:
    """The largest text on the cover, as one title; a short one takes its subtitle, a place its next line."""
    sized = [b for b in cover if b.size and not _not_a_title(b.text.strip()) and not _publisher_name(b.text)]
    if not sized or body_size is None:
        return None
    top = max(b.size for b in sized)
    if top < body_size + 1.5:
        return None  # nothing on the cover is set larger than the text
    first = next(i for i, b in enumerate(cover) if b in sized and b.size is not None and abs(b.size - top) < 0.6)
    group = _same_size_run(cover, first)
    title = _readable(" ".join(_readable(b.text) for b in group))
    after = first + len(group)
    rest = [b for b in cover[after:] if b.text.strip() and not _not_a_title(b.text.strip())]
    if rest and (resolve(title) is not None and resolve(title).area == title or len(title.split()) <= 2):
        nxt = rest[0]
        if nxt.size and nxt.size >= body_size + 1.5 or resolve(title) is not None:
            sub = _readable(" ".join(_readable(b.text) for b in _same_size_run(cover, cover.index(nxt))))
            if len(sub.split()) <= 40:
                title = f"{title}: {sub}"
    return title


def _publisher_name(text: str) -> bool:
    """A council's, partnership's or department's name set large on a cover: who publishes, not the title."""
    text = " ".join(text.split())
    body = resolve(text)
    if body is not None and norm_words(text) != norm_words(body.area):
        return True
    national = find_national(text)
    return bool(national) and norm_words(national[0]) == norm_words(text) or UNLISTED_BODY.fullmatch(text) is not None


def _same_size_run(blocks: list[Block], start: int, limit: int = 4) -> list[Block]:
    """The blocks from `start` set in the same size: a title broken over lines."""
    run = [blocks[start]]
    for b in blocks[start + 1 : start + limit]:
        if b.size is None or blocks[start].size is None or abs(b.size - blocks[start].size) >= 0.6:
            break
        if _not_a_title(b.text.strip()) or find_dates(b.text) or _publisher_name(b.text):
            break  # a date line under a title ("Inspection date: ...", "December 2023") is not part of it
        run.append(b)
    return run


def _labelled_title(lines: list[str]) -> tuple[str, bool] | None:
    """The title a cover states in a field ('Subject: ...', 'Title: ...', 'Name of Activity (EQIA Title): ...'),
    and whether the field is a form's (so the form's name says what kind of document it is)."""
    for line in lines[:40]:
        m = LABELLED_TITLE.match(re.sub(r"^\d+[.)]\s+", "", line))
        if m and not _not_a_title(m.group("title")):
            form = not re.match(r"(?:subject|re|title|report title)\s*:", m.group(0), re.IGNORECASE)
            return _readable(m.group("title")), form
    return None


FORM_WORDS = {"submission", "draft", "working", "template", "form", "final", "version", "blank", "proforma"}


def _form_kind(title: str | None) -> str | None:
    """'Equality Impact Assessment' from a form's printed name 'Equality Impact Assessment (EQIA) Submission
    Draft Working Template': the kind of document, without acronyms and the words of the form-filling process."""
    if not title:
        return None
    words = [w for w in re.sub(r"\([A-Za-z]{2,8}\)", " ", title).split() if w.lower().strip(".,:") not in FORM_WORDS]
    return " ".join(words) if 2 <= len(words) <= 8 else None


def _meeting_title(title: str, cover_text: str, date: str | None) -> str:
    """A bare committee name as a cover's title ('CABINET') with what the paper is and the meeting's date."""
    if len(title.split()) > 6 or not re.search(COMMITTEE_WORDS + r"\s*$", title, re.IGNORECASE):
        return title
    kind = "minutes" if re.search(r"^minutes\b", cover_text, re.I | re.M) else (
        "agenda" if re.search(r"^agenda\b", cover_text, re.I | re.M) else "")
    if not kind:
        return title
    return f"{title} {kind}, {format_date(date)}" if date else f"{title} {kind}"


def _hint_title(hint: str | None, lines: list[str]) -> str | None:
    """The file's own title property, unless it is a template's name, a person or a generic word."""
    hint = re.sub(r"\s+", " ", (hint or "")).strip()
    pack = MODERN_GOV_PACK.match(hint)
    if pack:
        hint = pack.group("title")
    if len(hint.split()) < 2 or _not_a_title(hint) or TEMPLATE_NAME.search(hint) or PERSON.match(hint):
        return None
    return hint


def _first_line_title(lines: list[str]) -> str | None:
    """The first line a reader would take for a title: after markings, bylines, addressees and furniture."""
    lines = [t for t in lines[:40] if not NOISE.match(t)]
    for i, line in enumerate(lines):
        if _not_a_title(line) or len(line.split()) > 20 or _is_addressee(lines, i):
            continue
        # A meeting line ("Cabinet Meeting on 19 October 2022") is followed directly by the report's own title.
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if (
            find_dates(line)
            and nxt
            and not GENERIC_TITLES.match(nxt)
            and not re.match(r"^\d", nxt)
            and not find_dates(nxt)
            and len(nxt.split()) <= 12
        ):
            return nxt
        return line
    return None


def detect_title(extracted: Extracted, blocks_text: list[str], doc_type: str, date: str | None = None) -> str | None:
    """The title as a reader sees it on the cover."""
    if doc_type.startswith("dhr_") or doc_type == "safeguarding_adult_review":
        review = _review_title(blocks_text)
        if review:
            return review
    cover = cover_blocks(extracted.blocks)
    cover_lines = [b.text.strip() for b in cover if b.text.strip()]
    cover_text = "\n".join(cover_lines)
    largest = _cover_title(cover, _body_size(extracted.blocks))
    labelled = _labelled_title(cover_lines)
    if labelled:
        title, form = labelled
        kind = _form_kind(largest) if form else None
        return f"{kind}: {title}" if kind and norm_words(kind) not in norm_words(title) else title
    if largest:
        return _meeting_title(largest, cover_text, date)
    hint = _hint_title(extracted.title_hint, blocks_text)
    # A title property the text never shows may be stale (a reused file's); the document's own heading is not.
    shown = hint is not None and (
        MODERN_GOV_PACK.match(extracted.title_hint or "") is not None
        or norm_words(hint) in norm_words(" ".join(blocks_text[:60]))
    )
    if shown:
        return hint
    return _own_heading(cover) or hint or _letter_title(cover_lines, date) or _first_line_title(blocks_text)


def _letter_title(lines: list[str], date: str | None) -> str | None:
    """'Home Office letter, 15 June 2022': a letter is cited by its sender and date, never its addressee."""
    salutation = next((i for i, line in enumerate(lines) if SALUTATION.match(line)), None)
    if salutation is None:
        return None
    head = "\n".join(lines[:salutation])
    senders = find_national(head)
    local = [m.body for m in find_mentions(head) if m.named_body]
    sender = senders[0] if senders else (local[0].name if local else None)
    if sender is None:
        return None
    return f"{sender} letter, {format_date(date)}" if date else f"{sender} letter"


def _own_heading(cover: list[Block]) -> str | None:
    """The first top-level heading the source marks on the cover (Word 'Title' or 'Heading 1', HTML h1)."""
    for b in cover:
        text = b.text.strip()
        if b.heading_level == 1 and not _not_a_title(text) and not TEMPLATE_NAME.search(text):
            return _readable(text)
    return None


# --- the whole ------------------------------------------------------------------------------------------

def cover_blocks(blocks: list[Block]) -> list[Block]:
    """The cover: the first page's blocks where pages are known, else the opening blocks."""
    texts = [b for b in blocks if b.text.strip()]
    if texts and texts[0].page is not None:
        first = texts[0].page
        return [b for b in texts if b.page == first][:60]
    cover: list[Block] = []
    for b in texts[:COVER_BLOCKS]:  # without pages, the cover ends where the body starts
        if cover and (len(b.text.split()) > 40 or re.match(r"^1(?:\.1?)?\.?\s+[A-Z]", b.text)):
            break
        cover.append(b)
    return cover


def detect_fields(path: Path, extracted: Extracted) -> dict[str, str | None]:
    """What the text says: title, body, area, date and type (None where it says nothing)."""
    blocks_text = [b.text.strip() for b in extracted.blocks if b.text.strip()]
    full = "\n".join(blocks_text)
    top = full[:TOP_CHARS]
    cover_lines = [b.text.strip() for b in cover_blocks(extracted.blocks)]
    cover = "\n".join(cover_lines)
    doc_type = detect_type(top, full, cover)
    committee, meeting_date = meeting_body_and_date(blocks_text)
    date = meeting_date or document_date(cover_lines) or detect_date(top)
    title = detect_title(extracted, blocks_text, doc_type, date)
    back = "\n".join(blocks_text[-15:])
    imprint = cover + "\n" + back  # where a publisher names itself
    national = doc_type in ("guidance", "research") or (
        not doc_type.startswith(("dhr_", "committee_", "safeguarding_"))
        and (NATIONAL_MARKS.search(imprint) is not None or bool(find_national(imprint)))
    )
    area, body = detect_area(cover, full, national, title or "", doc_type)
    if doc_type in ("guidance", "research", "inspection_report"):  # by a department or inspectorate, not the place
        publishers = find_national(cover) or find_national(back) or find_national(full)
        body = publishers[0] if publishers else (None if national else body)
    if body is None and (national or doc_type in ("guidance", "research", "inspection_report")):
        # GOV.UK guidance may name its department only in the file's author property; a review's may be
        # a Home Office template's, so this is for national documents only
        publishers = find_national(extracted.author_hint or "")
        body = publishers[0] if publishers else None
    return {"title": title, "body": committee or body, "area": area, "date": date, "type": doc_type}


def detect_metadata(
    path: Path,
    extracted: Extracted,
    sidecar: dict[str, str] | None = None,
    overrides: dict[str, str] | None = None,
) -> DocumentMeta:
    """Metadata for one document: what the text says, a sidecar's values over that, a manifest's over both."""
    detected = detect_fields(path, extracted)
    side = dict(sidecar or {})
    given = dict(overrides or {})
    values: dict[str, str | None] = {}
    provenance: dict[str, str] = {}
    for name in FIELDS:
        for source, layer in (("manifest", given), ("sidecar", side), ("detected", detected)):
            if layer.get(name):
                values[name], provenance[name] = layer[name], source
                break
        else:
            values[name], provenance[name] = None, "missing"
    doc_type = values["type"] or "other"
    if doc_type not in DOC_TYPES:
        raise ExtractionError(path, f"{provenance['type']} type {doc_type!r} is not one of {', '.join(DOC_TYPES)}")
    if provenance["date"] in ("sidecar", "manifest"):
        values["date"] = parse_date(values["date"] or "")
        if values["date"] is None:
            provenance["date"] = "missing"  # a sidecar's date that is no date says nothing
    extra = {k: v for k, v in side.items() if k not in {*FIELDS, "url"}}
    extra.update({k: v for k, v in given.items() if k not in {*FIELDS, "url", "path"}})
    extra.update({k: v for k, v in extracted.meta.items() if k not in extra})
    if doc_type.startswith("dhr_"):  # case characteristics the review states; a sidecar value wins
        full = "\n".join(b.text for b in extracted.blocks)
        for key, value in {**detect_characteristics(full), **detect_names(full)}.items():
            extra.setdefault(key, value)  # the pseudonym "Anna", "Adult C"; see kb.characteristics
    extra["provenance"] = provenance  # type: ignore[assignment]  # a dict inside extra, stored as JSON
    return DocumentMeta(
        title=values["title"] or path.stem.replace("_", " "),
        body=values["body"],
        area=values["area"],
        date=values["date"],
        doc_type=doc_type,
        url=given.get("url") or side.get("url"),
        extra=extra,
    )
