"""The field's vocabulary (index/data/vocabulary.toml): acronyms and terms of art, matched both ways."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Term:
    forms: tuple[str, ...]
    case_sensitive: bool = False

    def found_in(self, text: str) -> bool:
        for form in self.forms:
            # Acronyms that are ordinary words in lower case ("DIAL", "MASH") match only as written.
            acronym = self.case_sensitive and form.isupper()
            flags = 0 if acronym else re.IGNORECASE
            if re.search(r"(?<![\w-])" + re.escape(form) + r"(?![\w-])", text, flags):
                return True
        return False


@cache
def vocabulary() -> tuple[Term, ...]:
    data = tomllib.loads(resources.files("index").joinpath("data/vocabulary.toml").read_text("utf-8"))
    return tuple(Term(tuple(t["forms"]), bool(t.get("case_sensitive", False))) for t in data["terms"])


def expansions(query: str) -> list[str]:
    """Every other form of each term the query uses (e.g. 'IDVA' -> 'independent domestic violence adviser')."""
    out: list[str] = []
    lowered = query.lower()
    for term in vocabulary():
        if term.found_in(query):
            out += [f for f in term.forms if f.lower() not in lowered and f not in out]
    return out
