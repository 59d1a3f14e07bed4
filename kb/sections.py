"""Section kinds: the canonical kinds of section a heading opens (lessons, recommendations, ...).

The kinds and the heading patterns that name them are data (`kb/data/sections.toml`); readers
classify headings with them and every query filter checks a section kind against them.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from kb.errors import QueryError


@dataclass(frozen=True)
class SectionKind:
    id: str
    label: str
    patterns: tuple[re.Pattern[str], ...]


@cache
def section_kinds() -> tuple[SectionKind, ...]:
    """The canonical section kinds from kb/data/sections.toml, in matching order."""
    data = tomllib.loads(resources.files("kb").joinpath("data/sections.toml").read_text("utf-8"))
    return tuple(
        SectionKind(k["id"], k["label"], tuple(re.compile(p, re.IGNORECASE) for p in k["patterns"]))
        for k in data["kinds"]
    )


def section_kind_ids() -> frozenset[str]:
    """Every section kind a passage can have: the canonical ones, "minutes_item", "footnote" and "other"."""
    return frozenset({k.id for k in section_kinds()} | {"minutes_item", "footnote", "other"})


def classify_heading(heading: str) -> str | None:
    """The canonical kind of section a heading opens, or None if it names none we know."""
    text = re.sub(r"^(?:section\s+)?\d{1,2}(?:\.\d{1,2})*\.?\s*", "", heading.strip(), flags=re.IGNORECASE)
    text = re.sub(r"^(?:part|appendix)\s+[a-z0-9]+[.:]?\s*", "", text, flags=re.IGNORECASE)
    for kind in section_kinds():
        if any(p.search(text) for p in kind.patterns):
            return kind.id
    return None


def check_section_kind(kind: str) -> None:
    """Refuse a section kind no passage can have, listing the ones there are."""
    if kind not in section_kind_ids():
        raise QueryError(f"unknown section kind {kind!r}: choose from {', '.join(sorted(section_kind_ids()))}")
