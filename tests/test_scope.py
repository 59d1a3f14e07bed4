"""A filter's allowed occurrences are listed once and kept for the next questions, until the catalogue changes."""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import pytest

import index.scope as scope_mod
from index.scope import Scope
from kb.catalogue import Catalogue, ThemeMentionRow
from kb.models import DocumentMeta, Passage
from kb.query import Filters


def write_doc(cat: Catalogue, doc: int, area: str) -> None:
    passages = [Passage(f"text {doc} {i}", i, 1, f"¶{i + 1}", None, "recommendations" if i % 2 else "analysis")
                for i in range(6)]
    no_themes: list[list[ThemeMentionRow]] = [[] for _ in passages]
    cat.write_document(f"d{doc}", f"/docs/d{doc}.txt", f"h{doc}", DocumentMeta(title=f"Doc {doc}", area=area), None,
                       passages, no_themes)
    cat.set_status(f"d{doc}", "ok")


@pytest.fixture()
def cat(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Catalogue:
    monkeypatch.setattr(scope_mod, "_allowed_cache", OrderedDict())
    catalogue = Catalogue(tmp_path / "catalogue.sqlite3")
    for doc, area in enumerate(["Northbridge", "Hartshire", "Northbridge"]):
        write_doc(catalogue, doc, area)
    return catalogue


def listing(cat: Catalogue, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = cat.candidate_occurrences

    def counted(*args: object, **kwargs: object) -> list:
        calls.append("listed")
        return real(*args, **kwargs)

    monkeypatch.setattr(cat, "candidate_occurrences", counted)
    return calls


def test_the_lists_of_several_filters_are_kept_between_questions(cat, monkeypatch):
    calls = listing(cat, monkeypatch)
    section, area = Scope.of(Filters(section="recommendations"), cat), Scope.of(Filters(area="Northbridge"), cat)
    assert len(section.allowed(cat)) == 9 and len(area.allowed(cat)) == 12
    assert len(section.allowed(cat)) == 9 and len(area.allowed(cat)) == 12
    assert calls == ["listed", "listed"]
    assert section.known_allowed(cat) is not None


def test_a_change_to_the_catalogue_forgets_them(cat, monkeypatch):
    calls = listing(cat, monkeypatch)
    section = Scope.of(Filters(section="recommendations"), cat)
    assert len(section.allowed(cat)) == 9
    write_doc(cat, 3, "Hartshire")
    assert section.known_allowed(cat) is None
    assert len(section.allowed(cat)) == 12
    assert calls == ["listed", "listed"]


def test_only_so_many_occurrences_are_kept(cat, monkeypatch):
    monkeypatch.setattr(scope_mod, "KEPT_OCCURRENCES", 10)
    section, area = Scope.of(Filters(section="recommendations"), cat), Scope.of(Filters(area="Northbridge"), cat)
    section.allowed(cat)
    area.allowed(cat)  # 9 + 12 > 10: the older list goes
    assert section.known_allowed(cat) is None and area.known_allowed(cat) is not None
