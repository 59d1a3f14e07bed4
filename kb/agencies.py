"""Agencies by any name: the kinds of agency a recommendation can be addressed to, from the name printed.

"Hartshire Constabulary", "Arden Vale Police" and "the Metropolitan Police Service" are all the police;
"Wendmoor Partnership NHS Foundation Trust", "Hollinsby Health Centre" and "the ICB" are all health.
The kinds and their local names are data (``kb/data/agencies.toml``, see the comments at its top).
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources

from kb.errors import DHRError


@dataclass(frozen=True)
class AgencyKind:
    id: str
    label: str
    pattern: re.Pattern[str]  # its local names, case-insensitive
    acronyms: re.Pattern[str] | None  # case-sensitive whole words
    excluded: re.Pattern[str] | None  # names removed before matching ("Police and Crime Commissioner")

    def matches(self, name: str) -> bool:
        text = self.excluded.sub(" ", name) if self.excluded else name
        return bool(self.pattern.search(text) or (self.acronyms and self.acronyms.search(text)))

    def is_named_by(self, words: str) -> bool:
        """Whether `words` are nothing but one of this kind's names ("constabulary", "ICB")."""
        words = words.strip()
        return bool(self.pattern.fullmatch(words) or (self.acronyms and self.acronyms.fullmatch(words)))


def _either(patterns: list[str], flags: int = 0) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile(r"(?<![\w'])(?:" + "|".join(patterns) + r")(?![\w'])", flags)


@functools.cache
def agency_kinds_table() -> tuple[AgencyKind, ...]:
    """Every kind in kb/data/agencies.toml, in the file's order."""
    data = tomllib.loads(resources.files("kb").joinpath("data/agencies.toml").read_text("utf-8"))
    kinds = []
    for entry in data.get("kind", []):
        try:
            kinds.append(AgencyKind(
                entry["id"], entry["label"], _either(entry["patterns"], re.IGNORECASE),  # type: ignore[arg-type]
                _either([re.escape(a) for a in entry.get("acronyms", [])]),
                _either(entry.get("not", []), re.IGNORECASE),
            ))
        except (KeyError, re.error) as exc:
            raise DHRError(f"kb/data/agencies.toml: kind {entry.get('id', '?')!r} is malformed: {exc}") from exc
    return tuple(kinds)


def agency_kinds(name: str | None) -> tuple[str, ...]:
    """The kinds of agency a printed name is ("Hartshire Constabulary" -> ("police",)), in the file's order."""
    if not name:
        return ()
    return tuple(k.id for k in agency_kinds_table() if k.matches(name))


def kinds_named(query: str) -> set[str]:
    """The kinds a user's `--agency` value names: a kind's id or label ("police", "children's social
    care", "adult_social_care"), or one of its local names ("constabulary", "ICB"). A name with more
    words than that ("Hartshire Constabulary") names one agency, not a kind."""
    q = " ".join(query.lower().replace("_", " ").split())
    return {k.id for k in agency_kinds_table()
            if q in (k.id.replace("_", " "), k.label.lower()) or k.is_named_by(" ".join(query.split()))}


def agency_matches(query: str, printed: str | None) -> bool:
    """Whether a recommendation addressed to `printed` is for the agency `query` asks about: the same
    kind of agency, or `query` is part of the printed name."""
    if not printed:
        return False
    if query.lower() in printed.lower():
        return True
    return bool(kinds_named(query) & set(agency_kinds(printed)))
