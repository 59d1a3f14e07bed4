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


@cache
def form_regex(form: str, as_written: bool = False) -> re.Pattern[str]:
    """`form_pattern` compiled once per process (a query tests every form of the vocabulary)."""
    return re.compile(form_pattern(form), 0 if as_written else re.IGNORECASE)


@dataclass(frozen=True)
class Term:
    forms: tuple[str, ...]
    case_sensitive: bool = False

    def found_in(self, text: str) -> bool:
        text = normalise(text)
        for form in self.forms:
            # Acronyms that are ordinary words in lower case ("DIAL", "MASH") match only as written.
            if form_regex(form, self.case_sensitive and form.isupper()).search(text):
                return True
        return False


@cache
def vocabulary() -> tuple[Term, ...]:
    data = tomllib.loads(resources.files("index").joinpath("data/vocabulary.toml").read_text("utf-8"))
    return tuple(Term(tuple(t["forms"]), bool(t.get("case_sensitive", False))) for t in data["terms"])


def expansions(query: str) -> list[str]:
    """Every other form of each term the query uses (e.g. 'IDVA' -> 'independent domestic violence adviser')."""
    out: list[str] = []
    plain = normalise(query)
    for term in vocabulary():
        if term.found_in(plain):
            out += [f for f in term.forms if not form_regex(f).search(plain) and f not in out]
    return out
