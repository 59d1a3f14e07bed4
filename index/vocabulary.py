"""The field's vocabulary (index/data/vocabulary.toml): acronyms and terms of art, matched both ways."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


def normalise(text: str) -> str:
    """Curly apostrophes as straight ones ("Clare’s Law" is "Clare's Law")."""
    return text.translate(APOSTROPHES)


def form_pattern(form: str) -> str:
    """A form as a regular expression: a hyphen or a space in it matches either ("non fatal" is "non-fatal"),
    and a plural "s" may follow it ("perpetrators" uses "perpetrator")."""
    parts = [re.escape(p) for p in re.split(r"[\s-]+", normalise(form).strip())]
    return r"(?<![\w-])" + r"[\s-]+".join(parts) + r"s?(?![\w-])"


@dataclass(frozen=True)
class Term:
    forms: tuple[str, ...]
    case_sensitive: bool = False

    def found_in(self, text: str) -> bool:
        text = normalise(text)
        for form in self.forms:
            # Acronyms that are ordinary words in lower case ("DIAL", "MASH") match only as written.
            acronym = self.case_sensitive and form.isupper()
            flags = 0 if acronym else re.IGNORECASE
            if re.search(form_pattern(form), text, flags):
                return True
        return False


@cache
def vocabulary() -> tuple[Term, ...]:
    data = tomllib.loads(resources.files("index").joinpath("data/vocabulary.toml").read_text("utf-8"))
    return tuple(Term(tuple(t["forms"]), bool(t.get("case_sensitive", False))) for t in data["terms"])


def expansions(query: str) -> list[str]:
    """Every other form of each term the query uses (e.g. 'IDVA' -> 'independent domestic violence adviser')."""
    out: list[str] = []
    for term in vocabulary():
        if term.found_in(query):
            out += [f for f in term.forms if not Term((f,)).found_in(query) and f not in out]
    return out
