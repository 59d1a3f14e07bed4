"""Document metadata: detected from what the text says, overridden by a sidecar file.

A sidecar is JSON next to the document, named `<file name>.meta.json` (e.g. `report.pdf.meta.json`)
or `<stem>.meta.json`, with any of: title, body, area, date, type, url, and further keys kept as
extra metadata (e.g. review_kind, victim_age_band).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from ingest.blocks import Extracted
from ingest.structure import NOISE
from kb.characteristics import detect_characteristics
from kb.dates import find_dates, parse_date
from kb.errors import ExtractionError
from kb.models import DOC_TYPES, DocumentMeta

COMMITTEE_WORDS = r"(?:Committee|Cabinet|Panel|Board|Council|Commission|Partnership|Forum|Executive)"
MEETING_LINE = re.compile(
    r"Meeting:\s*(?P<date>\d{1,2}/\d{1,2}/\d{4})\s*[-\u2013]\s*(?P<body>.+?)\s*(?:\(Item\s*(?P<item>\d+)\))?\s*$",
    re.IGNORECASE,
)
BODY_DATE_LINE = re.compile(
    r"^(?P<body>[^\n]{0,120}?\b" + COMMITTEE_WORDS + r"[^\n]{0,40}?)\s*(?:[-\u2013\u2014,:]|\bmeeting\s+on\b|\bon\b)\s*"
    r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+,?\s+\d{4}",
)
ORG = re.compile(
    r"\b((?:[A-Z][a-zA-Z'&]+(?:[- ](?:and|on|upon|under|le|in|of)?[- ]?[A-Z][a-zA-Z'&]+)*?))\s+"
    r"(County Council|City Council|Borough Council|District Council|Metropolitan Borough Council|Council"
    r"|Community Safety Partnership|Safer Communities (?:Partnership|Board)|Safeguarding (?:Adults|Children) "
    r"(?:Partnership|Board)|CSP|Domestic Abuse (?:Service|Partnership)|MARAC)\b"
)
NOT_AREAS = {
    "the",
    "county",
    "city",
    "borough",
    "district",
    "town",
    "parish",
    "local",
    "each",
    "this",
    "our",
    "all",
    "both",
    "relevant",
    "a",
    "an",
    "and",
    "tier",
    "upper",
    "lower",
    "stoke",
    "members",
    "full",
}
GENERIC_TITLES = re.compile(
    r"^(issue\s*-\s*meetings|agenda item|agendas?,? meetings and minutes.*|agenda and minutes"
    r"|local members'? interests?(?:\s+n/?a)?"
    r"|n/?a|official(?:[- ]sensitive)?|fictional sample document.*|not protectively marked|contents|"
    r"venue:.*|contact:.*|date:.*|time:.*|meeting:.*|report (?:completed|published|date).*|page \d+.*)$",
    re.IGNORECASE,
)
TOP_CHARS = 2500


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


MEETING_MARKERS = re.compile(
    r"^meeting:|issue\s*-\s*meetings|agenda and minutes|^agenda item|^minutes:?$|^\(?item \d+\)?$",
    re.IGNORECASE | re.MULTILINE,
)
REPORT_MARKERS = re.compile(r"\breport to\b|\breport of\b|\b(?:i|it is) recommend(?:ed)? that\b|\bcabinet\b", re.I)


def detect_type(top: str, full: str) -> str:
    """The kind of document, from words near its start (and a few anywhere)."""
    head = top.lower()
    title_zone = top[:700].lower()
    meeting = MEETING_MARKERS.search(top) is not None
    is_dhr = "domestic homicide review" in head or re.search(r"\bDHR\b", top) is not None
    if is_dhr and not meeting:
        if "executive summary" in title_zone:
            return "dhr_executive_summary"
        if "overview report" in head or "terms of reference" in full.lower():
            return "dhr_overview_report"
    if REPORT_MARKERS.search(top) and re.search(r"\brecommend", head) and "report to" in head:
        return "committee_report"
    if meeting or re.search(r"\bminutes\b", top, re.IGNORECASE) or "RESOLVED" in full:
        return "committee_minutes"
    if REPORT_MARKERS.search(head) or re.search(r"\brecommendations?\b|\bselect committee\b", head):
        return "committee_report"
    return "other"


def detect_area(text: str) -> str | None:
    """The place a document is about: the name most often printed before 'Council', 'CSP' and the like."""
    counts: Counter[str] = Counter()
    for m in ORG.finditer(text):
        name = m.group(1).strip()
        words = name.split()
        while words and words[0].lower() in NOT_AREAS:
            words = words[1:]
        if not words:
            continue
        name = " ".join(words)
        counts[name] += 1
    if not counts:
        return None
    # The place named most often overall, among those named as a council or partnership.
    return max(counts, key=lambda n: (counts[n] + len(re.findall(r"\b" + re.escape(n) + r"\b", text)), -len(n)))


def detect_body(blocks_text: list[str], doc_type: str, area: str | None, full: str) -> tuple[str | None, str | None]:
    """(body, date) from a meeting line, or the partnership/council that published a report."""
    for line in blocks_text[:40]:
        m = MEETING_LINE.search(line)
        if m:
            return m.group("body").strip(" -"), parse_date(m.group("date"))
        m = BODY_DATE_LINE.match(line)
        if m:
            body = re.sub(r"\s+meeting$", "", m.group("body").strip(" -\u2013,"), flags=re.IGNORECASE)
            return body, parse_date(line)
    if area:
        for suffix in (
            "Community Safety Partnership",
            "Safer Communities Partnership",
            "CSP",
            "County Council",
            "City Council",
            "Borough Council",
            "District Council",
            "Council",
        ):
            name = f"{area} {suffix}"
            if re.search(re.escape(name) + r"\b", full):
                return name, None
    return None, None


def detect_date(top: str) -> str | None:
    """The document's own date: a labelled one ('Date:', 'completed', 'published') first, else the first."""
    labelled = re.search(
        r"\b(?:report\s+(?:completed|published|finalised|date)|date\s+(?:of\s+)?(?:(?:final\s+)?report|publication)|"
        r"final\s+version|published|dated?|completed)\b\s*:?\s*([^\n]{0,40})",
        top,
        re.IGNORECASE,
    )
    if labelled:
        date = parse_date(labelled.group(1))
        if date:
            return date
    dates = find_dates(top)
    return dates[0][1] if dates else None


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
    return ""


def detect_title(extracted: Extracted, blocks_text: list[str], doc_type: str) -> str | None:
    hint = (extracted.title_hint or "").strip()
    if doc_type.startswith("dhr_"):
        for i, line in enumerate(blocks_text[:30]):
            if "domestic homicide review" in line.lower() and len(line.split()) <= 25:
                title = line.rstrip(":")
                rest = blocks_text[i + 1 : i + 4]
                if rest and re.search(r"report|summary", rest[0], re.I) and len(rest[0].split()) <= 12:
                    title = f"{title}: {rest[0]}"
                    rest = rest[1:]
                return title + _subject_of_review(rest)
    if hint and len(hint.split()) >= 2 and not GENERIC_TITLES.match(hint) and not hint.lower().startswith("microsoft"):
        return hint
    lines = [t for t in blocks_text[:40] if not NOISE.match(t)]
    for i, line in enumerate(lines):
        if len(line.split()) > 20 or GENERIC_TITLES.match(line) or re.fullmatch(r"[\d.]+", line):
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


def detect_metadata(path: Path, extracted: Extracted, sidecar: dict[str, str] | None = None) -> DocumentMeta:
    """Metadata for one document: what the text says, with sidecar values taking precedence."""
    blocks_text = [b.text.strip() for b in extracted.blocks if b.text.strip()]
    full = "\n".join(blocks_text)
    top = full[:TOP_CHARS]
    doc_type = detect_type(top, full)
    area = detect_area(full)
    body, meeting_date = detect_body(blocks_text, doc_type, area, full)
    date = meeting_date or detect_date(top)
    title = detect_title(extracted, blocks_text, doc_type) or path.stem.replace("_", " ")

    side = dict(sidecar or {})
    extra = {k: v for k, v in side.items() if k not in {"title", "body", "area", "date", "type", "url"}}
    extra.update({k: v for k, v in extracted.meta.items() if k not in extra})
    doc_type = side.get("type", doc_type)
    if doc_type not in DOC_TYPES:
        raise ExtractionError(path, f"sidecar type {doc_type!r} is not one of {', '.join(DOC_TYPES)}")
    if doc_type.startswith("dhr_"):  # case characteristics the review states; a sidecar value wins
        for key, value in detect_characteristics(full).items():
            extra.setdefault(key, value)
    side_date = side.get("date")
    return DocumentMeta(
        title=side.get("title", title),
        body=side.get("body", body),
        area=side.get("area", area),
        date=parse_date(side_date) if side_date else date,
        doc_type=doc_type,
        url=side.get("url"),
        extra=extra,
    )
