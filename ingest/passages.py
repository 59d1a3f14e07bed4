"""Cut sectioned units into passages: coherent paragraphs of roughly 60-250 words.

Rules, applied within one section at a time (a passage never crosses a heading):
- a paragraph of MIN_WORDS or more stands alone; one over MAX_WORDS is split at sentence ends;
- shorter paragraphs join the paragraphs that follow them until the passage reaches MIN_WORDS,
  never going over MAX_WORDS.
The rules only look inside the section, so the same section published in two documents yields
the same passages, and so the same passage ids.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ingest.structure import Unit
from kb.models import Passage
from kb.sentences import split_sentences

MIN_WORDS = 60
MAX_WORDS = 250

def _split_long(text: str, limit: int = MAX_WORDS) -> list[str]:
    """Split an over-long paragraph into runs of whole sentences of at most `limit` words."""
    pieces: list[str] = []
    current: list[str] = []
    count = 0
    for sentence in split_sentences(text):
        n = len(sentence.split())
        if current and count + n > limit:
            pieces.append(" ".join(current))
            current, count = [], 0
        if n > limit:  # one enormous "sentence" (a table, a list without stops): cut by words
            words = sentence.split()
            for i in range(0, len(words), limit):
                pieces.append(" ".join(words[i : i + limit]))
            continue
        current.append(sentence)
        count += n
    if current:
        pieces.append(" ".join(current))
    return pieces


def _label(units: list[Unit]) -> str:
    """The paragraph reference for a run of units: printed numbers where there are any, else counted."""
    first, last = units[0], units[-1]
    if first.number:
        end = last.number if last.number and last.number != first.number else None
        if end:
            # "Recommendation 2" .. "Recommendation 3" -> "Recommendation 2–3"
            prefix = re.match(r"^(\D*)", first.number).group(1)
            if prefix and end.startswith(prefix):
                end = end[len(prefix):]
        label = f"{first.number}\u2013{end}" if end else first.number
        return f"item {first.item}, {label}" if first.item and not first.number[0].isdigit() else label
    prefix = f"item {first.item}, " if first.item else ""
    if last.counted != first.counted:
        return f"{prefix}\u00b6{first.counted}\u2013{last.counted}"
    return f"{prefix}\u00b6{first.counted}"


def _group_by_section(units: Iterable[Unit]) -> list[list[Unit]]:
    groups: list[list[Unit]] = []
    for unit in units:
        if groups and groups[-1][0].section_id == unit.section_id:
            groups[-1].append(unit)
        else:
            groups.append([unit])
    return groups


def _is_furniture(section: list[Unit]) -> bool:
    """A few short lines with no sentence in them before any heading: a page title, not content."""
    text = " ".join(u.text for u in section)
    return section[0].heading is None and len(text.split()) < 15 and not re.search(r"[.!?]", text)


def cut_passages(units: list[Unit]) -> list[Passage]:
    """Pack units into passages, section by section, in document order."""
    passages: list[Passage] = []

    def emit(run: list[Unit], text: str | None = None) -> None:
        first = run[0]
        passages.append(
            Passage(
                text=text if text is not None else " ".join(u.text for u in run),
                ordinal=len(passages),
                page=first.page,
                paragraph=_label(run),
                section=first.heading,
                section_kind=first.kind,
            )
        )

    for section in _group_by_section(units):
        if _is_furniture(section):
            continue
        run: list[Unit] = []
        words = 0
        for unit in section:
            n = len(unit.text.split())
            if unit.role != "body":  # a footnote or a table row is cited on its own
                if run:
                    emit(run)
                    run, words = [], 0
                for piece in _split_long(unit.text) if n > MAX_WORDS else [unit.text]:
                    emit([unit], piece)
                continue
            if n > MAX_WORDS:
                if run:
                    emit(run)
                    run, words = [], 0
                for piece in _split_long(unit.text):
                    emit([unit], piece)
                continue
            if run and (words >= MIN_WORDS or words + n > MAX_WORDS):
                emit(run)
                run, words = [], 0
            run.append(unit)
            words += n
        if run:
            emit(run)
    return passages
