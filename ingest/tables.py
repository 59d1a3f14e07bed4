"""Ruled tables in PDF pages, read row by row with pdfplumber (pdfminer.six).

pypdf reads a table's cells as lines in content-stream order, so a row whose cells wrap comes out as
run-on text ("2 September" / "2019" / "Police A neighbour ..."). pdfplumber finds the ruling lines
of a table and gives each cell's text; it costs about three times pypdf's time per page, so only
pages whose content stream draws enough lines or rectangles to rule a table are given to it.

A table's rows become :class:`TableRow` objects: the cells paired with the column names of the
table's header row, numbered from 1 after the header. A table that carries on over a page break
keeps its header and its row count; a repeated header row is skipped; a row split by the page
break (its first cell empty on the new page) is joined back onto the row it continues.
Tables without borders are not found here and stay pypdf text.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.text import join_broken_lines, normalise_space, starts_lowercase

MIN_RULES = 12
"""Drawing operators (lines, rectangles) a page needs before it is searched for tables: a page rule,
a logo or a box around a heading draws a few on every page of many reports."""

_RULE_OP = re.compile(rb"[\d.]\s+(?:re|l)\s")  # a path operator after its numeric operands
_HEADER_CELL_WORDS = 6
BOX_WORDS = 250
"""A cell with more words than this is a frame around running text, not a table cell."""


@dataclass
class TableRow:
    """One row of a table on one page: where it is and its (column name, text) cells."""

    page: int  # 1-based
    top: float  # PDF user space, y grows upwards: the row's top edge
    cells: tuple[tuple[str, str], ...]
    row: int  # 1-based within its table, the header not counted

    @property
    def text(self) -> str:
        """The row as one line: "Date: 12 March 2019 · Agency: GP · Event: ..." (unnamed cells bare)."""
        return " \u00b7 ".join(f"{name}: {value}" if name else value for name, value in self.cells if value)


@dataclass
class _Open:
    """The table last seen, which the next page's first table may continue."""

    header: tuple[str, ...] | None
    width: int
    count: int
    last: TableRow | None = None
    rows: list[TableRow] = field(default_factory=list)


def has_rules(page: object) -> bool:
    """Whether a pypdf page draws enough lines or rectangles to rule a table (cheap pre-screen)."""
    try:
        contents = page.get_contents()  # type: ignore[attr-defined]
        data = contents.get_data() if contents is not None else b""
    except Exception:
        return False
    return len(_RULE_OP.findall(data)) >= MIN_RULES


def _cell(text: str | None) -> str:
    """A cell's text on one line ("front-" / "line staff" -> "front-line staff")."""
    joined = ""
    for line in (text or "").splitlines():
        joined = join_broken_lines(joined, line.strip())
    return normalise_space(joined)


def _is_header(cells: list[str]) -> bool:
    """A header row: every cell filled with a short label, none a bare number."""
    return all(c and len(c.split()) <= _HEADER_CELL_WORDS and not re.fullmatch(r"[\d.,%£$()\-\s]+", c) for c in cells)


@dataclass
class PageTables:
    """What the tables of one page hold: their rows, and the boxes they cover (to drop pypdf's lines there)."""

    rows: list[TableRow] = field(default_factory=list)
    boxes: list[tuple[float, float, float, float]] = field(default_factory=list)  # x0, bottom, x1, top

    def covers(self, x: float, y: float) -> bool:
        return any(x0 - 2 <= x <= x1 and bottom - 2 <= y <= top + 2 for x0, bottom, x1, top in self.boxes)


Grid = list[tuple[list[str], tuple[float, float, float, float]]]
"""A table's rows as (cell texts, row box in pdfplumber's top-down coordinates), empty rows left out."""


def _grid(table: object) -> Grid:
    rows = zip(table.extract(), table.rows, strict=False)  # type: ignore[attr-defined]
    grid = [([_cell(c) for c in cells], box.bbox) for cells, box in rows]
    return [(cells, box) for cells, box in grid if any(cells)]


def _is_box(grid: Grid) -> bool:
    """A frame drawn around text (a call-out, a form's free-text answer), not a table of rows and columns."""
    filled_columns = {i for cells, _ in grid for i, c in enumerate(cells) if c}
    longest = max(len(c.split()) for cells, _ in grid for c in cells)
    return len(filled_columns) < 2 or longest > BOX_WORDS


def _start(grid: Grid) -> tuple[_Open, Grid]:
    """Open a new table: its header is the first row, or the second when the first is a caption spanning
    the table ("All figures in £m"); the caption stays a row of its own."""
    width = len(grid[0][0])
    for at in (0, 1):
        if at < len(grid) - 1 and _is_header(grid[at][0]) and (at == 0 or sum(map(bool, grid[0][0])) == 1):
            return _Open(tuple(grid[at][0]), width, 0), grid[:at] + grid[at + 1 :]
    return _Open(None, width, 0), grid


def read_tables(path: Path, pages: list[int], text_tops: dict[int, float] | None = None) -> dict[int, PageTables]:
    """The ruled tables on the given 1-based pages, by page (pages without tables left out).

    ``text_tops`` gives, by page, the baseline of the page's highest line of text (running headers left out):
    a page's first table continues the table of the page before only when no text is printed above it --
    a table further down, after the page's paragraphs, is a table of its own though it has as many columns."""
    if not pages:
        return {}
    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    found: dict[int, PageTables] = {}
    open_table: _Open | None = None
    last_page = 0
    with pdfplumber.open(str(path)) as pdf:
        for number in pages:
            page = pdf.pages[number - 1]
            if number != last_page + 1:
                open_table = None
            last_page = number
            if page.rotation:  # pypdf and pdfplumber disagree on the coordinates of rotated pages
                continue
            height = float(page.mediabox[3])
            marks = _note_marks(page.chars)
            if marks:
                page = page.filter(lambda obj, marks=marks: id(obj) not in marks)
            for index, table in enumerate(page.find_tables()):
                grid = _grid(table)
                if not grid or len(grid[0][0]) < 2 or _is_box(grid):
                    continue
                x0, top, x1, bottom = table.bbox
                text_above = text_tops is not None and text_tops.get(number, 0.0) > height - top + 2.0
                continuing = (
                    index == 0 and open_table is not None and open_table.width == len(grid[0][0]) and not text_above
                )
                if not continuing:
                    if len(grid) < 2:
                        continue  # one ruled row: a box around text, not a table
                    open_table, grid = _start(grid)
                elif open_table.header and tuple(grid[0][0]) == open_table.header:
                    grid = grid[1:]  # the header row repeated on the new page
                assert open_table is not None
                here = found.setdefault(number, PageTables())
                here.boxes.append((x0, height - bottom, x1, height - top))
                for i, (cells, box) in enumerate(grid):
                    cut = continuing and i == 0 and not cells[0]  # the rest of a row cut by the page break
                    if open_table.last is not None and (cut or _runs_on(cells)):
                        _extend(open_table.last, cells)
                        continue
                    open_table.count += 1
                    names = open_table.header or ("",) * open_table.width
                    row = TableRow(number, height - box[1], tuple(zip(names, cells, strict=False)), open_table.count)
                    open_table.last = row
                    here.rows.append(row)
    return found


def _note_marks(chars: list[dict]) -> set[int]:
    """Ids of the characters of footnote references: digits set smaller than, and raised above, the
    character before them ("website³¹" is "website", not "website31")."""
    marks: set[int] = set()
    before: dict | None = None
    for char in chars:
        if (
            before is not None
            and char["text"].isdigit()
            and id(before) not in marks
            and not before["text"].isdigit()
            and char["size"] <= 0.75 * before["size"]
            and char["bottom"] < before["bottom"] - 1
        ):
            marks.add(id(char))
        elif before is not None and char["text"].isdigit() and id(before) in marks and char["size"] == before["size"]:
            marks.add(id(char))  # the second digit of "31"
        before = char
    return marks


def _runs_on(cells: list[str]) -> bool:
    """A row whose every filled cell starts lower-case carries on the row above: the ruling under it was a
    hyperlink's underline or a rule inside one cell, not the border between two rows."""
    filled = [c for c in cells if c]
    return bool(filled) and all(starts_lowercase(c) for c in filled)


def _extend(row: TableRow, cells: list[str]) -> None:
    row.cells = tuple(
        (name, normalise_space(f"{value} {extra}")) for (name, value), extra in zip(row.cells, cells, strict=False)
    )
