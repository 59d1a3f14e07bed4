"""The councils, partnerships and police forces of England and Wales, and finding them in text.

The data file also lists national bodies (kind ``national``, no area): government departments and
inspectorates that publish guidance, research and inspection reports.

The list is data (kb/data/areas.csv). A place counts as a document's area only when it is one of
these bodies' areas, so capitalised words that happen to precede "Council" ("General Medical
Council", "Children in Care Council") are never taken for places.
"""

from __future__ import annotations

import csv
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "areas.csv"

# What follows an area's name when the text names one of its bodies rather than the place.
COUNCIL_SUFFIXES = (
    "Metropolitan Borough Council",
    "Metropolitan District Council",
    "County Borough Council",
    "City and District Council",
    "County Council",
    "City Council",
    "Borough Council",
    "District Council",
    "Council",
    "local authority",
    "Local Authority",
)
PARTNERSHIP_SUFFIXES = (
    "Community Safety Partnership",
    "Safer Communities Partnership",
    "Safer Communities Board",
    "Domestic Abuse Partnership",
    "Domestic Abuse Local Partnership Board",
    "Safeguarding Adults Board",
    "Safeguarding Adults Partnership",
    "Safeguarding Children Partnership",
    "Safeguarding Children Board",
    "Local Safeguarding Children Board",
    "Children's Services",
    "CSP",
    "MARAC",
)
POLICE_SUFFIXES = ("Police", "Constabulary")
PREFIXES = ("London Borough of", "Royal Borough of", "City of", "Borough of", "Safer")


@dataclass(frozen=True)
class Body:
    """One council or police force: its area as a reader names it, and its usual name."""

    area: str
    kind: str  # county | district | unitary | metropolitan | london_borough | welsh | former | police | national
    name: str
    aliases: tuple[str, ...] = ()
    common: bool = False  # the bare place name is also an ordinary word or name


@dataclass(frozen=True)
class Mention:
    """A body or place named in a text."""

    start: int
    text: str  # as printed
    body: Body
    named_body: bool  # True for "Kent County Council", "Safer Sutton Partnership"; False for a bare "Kent"
    partnership: bool = False
    end: int = 0  # where the printed name ends in the text


def _key(name: str) -> str:
    """A name reduced for lookup: lower case, '&' as 'and', punctuation and spacing folded."""
    name = name.lower().replace("&", " and ").replace("\u2019", "'")
    return re.sub(r"[^a-z0-9']+", " ", name).strip()


@cache
def bodies() -> tuple[Body, ...]:
    """Every body in the data file."""
    with DATA.open(encoding="utf-8") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        return tuple(
            Body(
                area=r["area"].strip(),
                kind=r["kind"].strip(),
                name=r["body"].strip(),
                aliases=tuple(a.strip() for a in r["aliases"].split(";") if a.strip()),
                common=r["common"].strip() == "1",
            )
            for r in rows
        )


@cache
def national_bodies() -> tuple[Body, ...]:
    """The national publishers of the data file."""
    return tuple(b for b in bodies() if b.kind == "national")


def find_national(text: str) -> list[str]:
    """The national bodies named in `text`, most often named first (by their usual name)."""
    counts: dict[str, int] = {}
    for body in national_bodies():
        for name in (body.name, *body.aliases):
            flags = 0 if _is_acronym(name) else re.IGNORECASE  # "DfE" only as written
            found = len(re.findall(r"(?<![\w-])" + _pattern(name) + r"(?![\w-])", text, flags))
            if found:
                counts[body.name] = counts.get(body.name, 0) + found
    return sorted(counts, key=lambda n: -counts[n])


ORGANISATION_WORDS = re.compile(r"\b(?:Council|Borough|Police|Constabulary|Corporation|Service)\b|^City and County of")


def _is_organisation(name: str) -> bool:
    """A body's name ('Brighton & Hove City Council', 'KCC'), not another spelling of a place ('Stoke on Trent')."""
    return ORGANISATION_WORDS.search(name) is not None or _is_acronym(name)


def _is_acronym(name: str) -> bool:
    """'DfE', 'KCC', 'BCP': one word with several capitals, matched only as written."""
    return " " not in name and sum(c.isupper() for c in name) >= 2


@cache
def _local() -> tuple[Body, ...]:
    return tuple(b for b in bodies() if b.kind != "national")


@cache
def _by_key() -> dict[str, Body]:
    """Lookup of names, aliases and areas; an area maps to its council before its police force."""
    index: dict[str, Body] = {}
    for body in sorted(_local(), key=lambda b: (b.kind == "police", b.kind == "former")):
        for name in (body.name, *body.aliases):
            index.setdefault(_key(name), body)
        index.setdefault(_key(body.area), body)
    return index


def resolve(name: str) -> Body | None:
    """The body a printed name refers to ("Stoke on Trent City Council", "BCP", "Safer Sutton Partnership")."""
    key = _key(name)
    if key in _by_key():
        return _by_key()[key]
    stripped = _strip_forms(key)
    return _by_key().get(stripped) if stripped != key else None


def _strip_forms(key: str) -> str:
    """A lookup key without the council, partnership or police words around the place's name."""
    for prefix in PREFIXES:
        if key.startswith(_key(prefix) + " "):
            key = key[len(_key(prefix)) + 1 :]
            break
    key = re.sub(r"^the ", "", key)
    for suffix in sorted(COUNCIL_SUFFIXES + PARTNERSHIP_SUFFIXES + POLICE_SUFFIXES + ("Partnership",), key=len,
                         reverse=True):
        if key.endswith(" " + _key(suffix)):
            return key[: -len(_key(suffix)) - 1]
    return key


def _pattern(name: str) -> str:
    """A regex for a printed name: any spacing or hyphen between words, 'and' or '&'."""
    words = re.split(r"[\s\-]+", name.replace("&", " and ").replace("\u2019", "'"))
    parts = [r"(?:and|&)" if w.lower() == "and" else re.escape(w).replace("'", "['\u2019]") for w in words if w]
    return r"[\s\-]+".join(parts)


@cache
def _names() -> tuple[str, ...]:
    """The names `_regex` tries, in the order it tries them (longest first)."""
    return tuple(sorted({n for b in _local() for n in (b.name, *b.aliases, b.area)}, key=len, reverse=True))


def _compile(names: Iterable[str]) -> re.Pattern[str]:
    alternatives = "|".join(_pattern(n) for n in names)
    suffixes = "|".join(
        _pattern(s) for s in sorted(COUNCIL_SUFFIXES + PARTNERSHIP_SUFFIXES + POLICE_SUFFIXES, key=len, reverse=True)
    )
    prefixes = "|".join(_pattern(p) for p in PREFIXES)
    return re.compile(
        rf"(?<![\w-])(?:(?P<prefix>{prefixes})\s+)?(?P<name>{alternatives})"
        rf"(?:\s+(?P<suffix>{suffixes}|Partnership))?(?![\w-])",
        re.IGNORECASE,
    )


@cache
def _regex() -> re.Pattern[str]:
    return _compile(_names())


# Finding names quickly. The regex above tries some 960 names at every word; a name can match only where
# a word of the text begins with its first letters and digits. So the text is folded as re.IGNORECASE
# compares ASCII letters (A-Z, and the four other characters it takes for one: İ ı ſ and the Kelvin sign),
# and the regex runs only where a word begins as some name or prefix does, holding only the names that
# begin so: the same matches, found without trying every name everywhere.
_FOLD = str.maketrans(string.ascii_uppercase + "\u0130\u0131\u017f\u212a", string.ascii_lowercase + "iisk")
_RUN = re.compile(r"[a-z0-9]+")


def _first_run(name: str) -> str:
    """The letters and digits a printed name must begin with, folded ('' when it may begin otherwise)."""
    words = [w for w in re.split(r"[\s\-]+", name.replace("&", " and ").replace("\u2019", "'")) if w]
    first = words[0].translate(_FOLD) if words else ""
    run = _RUN.match(first)
    return run.group(0) if run and first != "and" else ""  # "and" may be printed "&"


@cache
def _starts() -> dict[str, tuple[str, ...]]:
    """First letters and digits -> the names beginning with them, in `_names()` order."""
    out: dict[str, list[str]] = {}
    for name in _names():
        out.setdefault(_first_run(name), []).append(name)
    return {run: tuple(names) for run, names in out.items()}


@cache
def _prefix_starts() -> frozenset[str]:
    return frozenset(_first_run(p) for p in PREFIXES)


@cache
def _regex_from(run: str) -> re.Pattern[str]:
    """`_regex` where the text's word begins with `run`: its prefixes, and the names that begin so."""
    if run in _prefix_starts():  # "City of London": the name starts at a later word
        return _regex()
    return _compile(_starts()[run])


def _matches(text: str) -> Iterable[re.Match[str]]:
    """What `_regex().finditer(text)` finds."""
    starts = _starts()
    if "" in starts:  # a name that may begin with something else than a letter or digit: no shortcut
        yield from _regex().finditer(text)
        return
    first = starts.keys() | _prefix_starts()
    pos = 0
    for word in _RUN.finditer(text.translate(_FOLD)):
        if word.start() < pos or word.group(0) not in first:
            continue
        m = _regex_from(word.group(0)).match(text, word.start())
        if m is not None:
            yield m
            pos = m.end()


def find_mentions(text: str) -> list[Mention]:
    """Every body or place of the data file named in `text`, in order."""
    found = []
    for m in _matches(text):
        name, prefix, suffix = m.group("name"), m.group("prefix"), m.group("suffix")
        body = _by_key().get(_key(name))
        if body is None or (not _is_acronym(name) and _key(name) in {_key(a) for a in body.aliases if _is_acronym(a)}):
            continue  # an acronym ('KCC') counts only in capitals
        if prefix and prefix.lower() == "safer" and not (suffix and suffix.lower() == "partnership"):
            prefix = None  # "Safer Kent" alone is not a partnership's name
        own_name = _key(name) in {_key(n) for n in (body.name, *body.aliases) if _is_organisation(n)}
        named = own_name or prefix is not None or suffix is not None
        if not name[0].isupper() and not (named and (own_name or prefix)):
            continue  # "reading", "hart": words, not places
        if not named and body.common and _key(name) == _key(body.area):
            continue  # "Reading", "Hart" (a surname) alone are not places; "County Durham" is
        if suffix is not None and suffix.lower() in ("police", "constabulary"):
            body = next((b for b in _local() if b.kind == "police" and b.area == body.area), body)
        partnership = suffix is not None and _key(suffix) in {_key(s) for s in (*PARTNERSHIP_SUFFIXES, "Partnership")}
        if own_name and not prefix and not suffix:
            printed = body.name  # "KCC" is Kent County Council
        else:
            printed = re.sub(r"\s+", " ", m.group(0)) if named else name
        found.append(Mention(m.start(), printed, body, named, partnership, m.end()))
    return found


@cache
def _by_compact() -> dict[str, Body]:
    """Councils and forces by their names run together, as web domains spell them ('brightonhove', 'rbkc')."""
    index: dict[str, Body] = {}
    for body in sorted(_local(), key=lambda b: (b.kind == "police", b.kind == "former")):
        for name in (body.area, body.name, *body.aliases):
            words = _key(name).split()
            for variant in (words, [w for w in words if w not in ("and", "of", "the")]):
                index.setdefault("".join(variant).replace("'", ""), body)
    return index


def body_of_domain(domain: str) -> Body | None:
    """The council or police force of a gov.uk or police.uk domain: 'kent.gov.uk', 'brighton-hove.gov.uk',
    'bcpcouncil.gov.uk', 'kent.police.uk'; None for others ('education.gov.uk')."""
    domain = domain.lower().strip(".")
    police = domain.endswith(".police.uk")
    m = re.search(r"([a-z0-9-]+)\.(?:gov|police)\.uk$", domain)
    if not m:
        return None
    label = re.sub(r"[^a-z]", "", m.group(1))
    candidates = [label] + [label[: -len(s)] for s in ("council", "city", "cc", "mbc", "bc", "dc") if label.endswith(s)]
    for candidate in candidates:
        body = _by_compact().get(candidate)
        if body is not None and len(candidate) >= 3:
            if police:
                return next((b for b in _local() if b.kind == "police" and b.area == body.area), None)
            return body
    return None
