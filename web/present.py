"""Small helpers the templates use: highlighted text as segments, theme labels, and bar-chart geometry.

Nothing here builds HTML: templates receive plain strings and numbers, and Jinja2 escapes every one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from kb.agencies import agency_kinds_table
from kb.taxonomy import load_taxonomy


def marked(text: str, highlights: tuple[str, ...] | list[str]) -> list[tuple[str, bool]]:
    """`text` as (segment, highlighted) pairs, the answering sentences marked where they occur verbatim."""
    spans: list[tuple[int, int]] = []
    for h in highlights:
        start = text.find(h) if h else -1
        if start >= 0:
            spans.append((start, start + len(h)))
    segments, pos = [], 0
    for start, end in sorted(spans):
        if start < pos:
            continue  # overlapping highlights: keep the first
        if start > pos:
            segments.append((text[pos:start], False))
        segments.append((text[start:end], True))
        pos = end
    if pos < len(text):
        segments.append((text[pos:], False))
    return segments


def pairs_of(values: list[str] | tuple[str, ...]) -> list[tuple[str, str]]:
    """Select options (value, what people read) from ids such as 'committee_minutes'."""
    return [(v, str(v).replace("_", " ")) for v in values]


@cache
def _labels() -> dict[str, str]:
    return {t.id: t.label for t in load_taxonomy()}


def theme_label(theme_id: str) -> str:
    return _labels().get(theme_id, theme_id.replace("_", " "))


def agency_labels(kinds: tuple[str, ...] | list[str]) -> str:
    """'police' -> 'Police'; several kinds joined with '; ' (kb/data/agencies.toml)."""
    labels = {k.id: k.label for k in agency_kinds_table()}
    return "; ".join(labels.get(k, k.replace("_", " ")) for k in kinds)


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: float  # in chart units (0..BAR_SPACE)


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart drawn as inline SVG; the page shows the same numbers as a table."""

    title: str
    unit: str
    bars: list[Bar]
    height: int
    label_width: int = 260
    bar_space: int = 420
    row: int = 24

    @property
    def width(self) -> int:
        return self.label_width + self.bar_space + 60


def bar_chart(title: str, unit: str, rows: list[tuple[str, int]], limit: int = 25) -> Chart:
    rows = rows[:limit]
    peak = max((v for _, v in rows), default=0) or 1
    row, space = 24, 420
    bars = [Bar(label, value, 8 + i * row, space * value / peak) for i, (label, value) in enumerate(rows)]
    return Chart(title, unit, bars, 16 + row * len(bars))
