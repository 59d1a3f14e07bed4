"""The councils, partnerships and police forces data, and finding them in text."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from kb.areas import _FOLD, DATA, _matches, _regex, bodies, body_of_domain, find_mentions, find_national, resolve


def test_the_data_lists_every_kind_of_council_and_the_43_police_forces() -> None:
    kinds = Counter(b.kind for b in bodies())
    assert kinds["police"] == 43
    assert kinds["county"] == 21 and kinds["district"] == 164 and kinds["metropolitan"] == 36
    assert kinds["london_borough"] == 33 and kinds["welsh"] == 22 and kinds["unitary"] >= 62
    assert sum(kinds[k] for k in ("county", "district", "unitary", "metropolitan", "london_borough", "welsh")) >= 330


def test_every_council_name_and_alias_resolves_to_its_own_area() -> None:
    for body in bodies():
        if body.kind == "national":
            continue
        for name in (body.name, *body.aliases):
            found = resolve(name)
            assert found is not None and found.area == body.area, (name, found)


def test_the_rows_are_well_formed_and_not_repeated() -> None:
    with DATA.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    assert all(r["kind"] and r["body"] for r in rows)
    assert all(r["area"] or r["kind"] == "national" for r in rows)
    names = Counter(r["body"] for r in rows)
    assert [n for n, c in names.items() if c > 1] == []


@pytest.mark.parametrize("printed,area", [
    ("Stoke-on-Trent City Council", "Stoke-on-Trent"),
    ("Stoke on Trent City Council", "Stoke-on-Trent"),
    ("Bath and North East Somerset", "Bath and North East Somerset"),
    ("Bath & North East Somerset Council", "Bath and North East Somerset"),
    ("BCP", "Bournemouth, Christchurch and Poole"),
    ("BCP Council", "Bournemouth, Christchurch and Poole"),
    ("Brighton & Hove City Council", "Brighton and Hove"),
    ("London Borough of Tower Hamlets", "Tower Hamlets"),
    ("Royal Borough of Kensington and Chelsea", "Kensington and Chelsea"),
    ("Safer Sutton Partnership", "Sutton"),
    ("Cardiff Council", "Cardiff"),
    ("Rhondda Cynon Taff", "Rhondda Cynon Taf"),
    ("Thames Valley Police", "Thames Valley"),
    ("Kent County Council", "Kent"),
])
def test_common_spellings_resolve(printed: str, area: str) -> None:
    found = resolve(printed)
    assert found is not None and found.area == area


@pytest.mark.parametrize("words", ["Children in Care", "General Medical", "Income The", "Young People and Learning",
                                   "Executive Summary", "Local Safeguarding Children", "Department for Education"])
def test_capitalised_words_are_never_areas(words: str) -> None:
    assert resolve(words) is None
    assert resolve(words + " Council") is None
    assert [m for m in find_mentions(f"The {words} Council met. {words} said so.") if m.named_body] == []


def test_mentions_tell_a_named_body_from_a_bare_place() -> None:
    text = ("Kent County Council and Swale Borough Council; the Northbridge CSP; Kent Police; "
            "the Safer Sutton Partnership; reading in Reading; Hart District Council; Mr Hart.")
    found = [(m.text, m.body.area, m.named_body) for m in find_mentions(text)]
    assert ("Kent County Council", "Kent", True) in found
    assert ("Swale Borough Council", "Swale", True) in found
    assert ("Kent Police", "Kent", True) in found
    assert ("Safer Sutton Partnership", "Sutton", True) in found
    assert ("Hart District Council", "Hart", True) in found
    assert not any(area in ("Reading", "Hart") and not named for _, area, named in found)  # common words alone


def test_national_bodies_are_found_by_name_or_acronym() -> None:
    found = find_national("Published by the Department for Education (DfE). Contact DfE.")
    assert found == ["Department for Education"]
    assert find_national("the dfe said") == []  # an acronym counts only as written
    assert resolve("Ofsted") is None  # a national body has no area


@pytest.mark.parametrize("domain,area,kind", [
    ("kent.gov.uk", "Kent", "county"),
    ("brighton-hove.gov.uk", "Brighton and Hove", "unitary"),
    ("bcpcouncil.gov.uk", "Bournemouth, Christchurch and Poole", "unitary"),
    ("towerhamlets.gov.uk", "Tower Hamlets", "london_borough"),
    ("nottinghamcity.gov.uk", "Nottingham", "unitary"),
    ("kent.police.uk", "Kent", "police"),
])
def test_a_councils_web_domain_names_its_area(domain: str, area: str, kind: str) -> None:
    body = body_of_domain(domain)
    assert body is not None and (body.area, body.kind) == (area, kind)


@pytest.mark.parametrize("domain", ["education.gov.uk", "ofsted.gov.uk", "gov.uk", "example.org.uk"])
def test_national_and_other_domains_name_no_area(domain: str) -> None:
    assert body_of_domain(domain) is None


def test_a_place_that_is_also_a_word_counts_only_as_a_bodys_name_or_in_another_spelling() -> None:
    found = [(m.body.area, m.named_body) for m in find_mentions(
        "In London and Reading; the Metropolitan Police Service; County Durham; Reading Borough Council.")]
    assert ("London", False) not in found and ("Reading", False) not in found
    assert ("London", True) in found and ("Durham", False) in found and ("Reading", True) in found


SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def test_the_fold_takes_every_character_re_ignorecase_matches_with_an_ascii_letter_or_digit() -> None:
    ascii_alnum = re.compile("[a-z0-9]", re.IGNORECASE)
    for code in range(0x110000):
        char = chr(code)
        if ascii_alnum.fullmatch(char):
            assert re.fullmatch("[a-z0-9]", char.translate(_FOLD)), hex(code)
            assert re.fullmatch(char.translate(_FOLD), char, re.IGNORECASE), hex(code)


@pytest.mark.parametrize("text", [
    "City of London Police and Safer Kent", "KCC, Kent County Council and the London Borough of Hackney CSP",
    "the \u212aent Police; \u017fouthwark; \u0130slington; North-Yorkshire; x-Kent; Kent_", "reading Reading Hart",
    "Safer Sutton Partnership, the Royal Borough of Kensington and Chelsea, Borough of Poole, St. Helens",
])
def test_names_are_found_where_the_one_regex_of_every_name_finds_them(text: str) -> None:
    assert [m.span() + m.groups() for m in _matches(text)] == [m.span() + m.groups() for m in _regex().finditer(text)]


def test_names_in_the_seed_texts_are_found_where_the_one_regex_of_every_name_finds_them() -> None:
    texts = [f.read_text() for f in sorted(SEEDS.glob("*.txt"))]
    found = [[m.span() + m.groups() for m in _matches(t)] for t in texts]
    assert found == [[m.span() + m.groups() for m in _regex().finditer(t)] for t in texts]
    assert sum(map(len, found)) > 10
