"""PDF extraction: pages, running headers/footers, hyphens, paragraphs, cross-page joins, errors.

Every PDF is built at test time: with fpdf2 (flowing text, headers/footers, encryption, images)
and with a tiny hand-written PDF writer that draws text the way office suites export it (one
BT/ET per line with an absolute Tm, TJ arrays with kerning, a scaled coordinate system, the
footer drawn before the body).
"""

from __future__ import annotations

import shutil
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

fpdf = pytest.importorskip("fpdf")

from ingest.extract import extract  # noqa: E402
from ingest.pdf import (  # noqa: E402
    Line,
    blocks_from_page_lines,
    extract_pdf,
    is_page_number,
    is_protective_marking,
    meaningful_title,
    remove_running_lines,
)
from kb.errors import CorruptFileError, EncryptedFileError, FileTooLargeError, NoTextError  # noqa: E402

# --------------------------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------------------------


def _esc(s: str) -> str:
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def raw_pdf(pages: list[str], title: str | None = None) -> bytes:
    """A minimal valid PDF whose pages have the given content streams (Helvetica F1, bold F2)."""
    objs: list[bytes] = []

    def add(body: bytes) -> int:
        objs.append(body)
        return len(objs)

    f1 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    f2 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    pages_id = len(objs) + 2 * len(pages) + 1
    kids = []
    for content in pages:
        data = zlib.compress(content.encode("cp1252"))
        cid = add(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] "
                b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> /Contents %d 0 R >>"
                % (pages_id, f1, f2, cid)
            )
        )
    add(b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % len(kids))
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    info = add(b"<< /Title (" + _esc(title or "").encode("latin-1") + b") /Producer (test writer) >>")
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1,
        catalog,
        info,
        xref,
    )
    return bytes(out)


def draw_lines(items: list[tuple], scale: float = 0.5) -> str:
    """A content stream drawing each (text or TJ list, x, y, size, bold) item in its own BT/ET, in a scaled space."""
    k = 1 / scale
    ops = [f"q {scale} 0 0 {scale} 0 0 cm"]
    for text, x, y, size, bold in items:
        parts = [text] if isinstance(text, str) else text
        tj = "".join(f"({_esc(i)})" if isinstance(i, str) else f" {i} " for i in parts)
        ops.append(
            f"BT /{'F2' if bold else 'F1'} {size * k:.2f} Tf 1 0 0 1 {x * k:.2f} {y * k:.2f} Tm [{tj}] TJ ET"
        )
    ops.append("Q")
    return "\n".join(ops)


def office_page(lines: list[tuple], page_no: int, n_pages: int, scale: float = 0.5) -> str:
    """A content stream in the style of an office export: footer first, header, then body lines.

    ``lines`` items are (text or TJ list, x, y, size, bold) in points.
    """
    furniture = [
        (f"Page {page_no} of {n_pages}", 280, 30, 9, False),
        ("Overview Report - Adult C - OFFICIAL", 72, 810, 9, False),
    ]
    return draw_lines(furniture + list(lines), scale)


def layout(paras: list[tuple], top: float = 770, size: float = 11, pitch: float = 13.4, gap: float = 8):
    """Lay out paragraphs as lines: each para is ("N"|"B", line, line, ...); B = bold heading."""
    out, y = [], top
    for kind, *texts in paras:
        bold = kind == "B"
        for text in texts:
            out.append((text, 72, y, size + (2 if bold else 0), bold))
            y -= pitch
        y -= gap
    return out


def office_pdf(
    tmp_path: Path, pages: list[list[tuple]], name: str = "office.pdf", title: str | None = None
) -> Path:
    path = tmp_path / name
    n = len(pages)
    path.write_bytes(raw_pdf([office_page(p, i, n) for i, p in enumerate(pages, start=1)], title=title))
    return path


class Report(fpdf.FPDF):
    """An fpdf2 report with a running header and a "Page N of M" footer."""

    header_text = "Domestic Homicide Review - Adult A - OFFICIAL"

    def header(self):
        self.set_font("Helvetica", size=9)
        self.cell(0, 6, self.header_text, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(4)

    def footer(self):
        self.set_y(-15)
        self.set_font("Helvetica", size=9)
        self.cell(0, 10, f"Page {self.page_no()} of {{nb}}", align="C")


def report(title: str | None = None) -> Report:
    pdf = Report()
    pdf.core_fonts_encoding = "windows-1252"  # lets the core fonts print £ and •
    if title:
        pdf.set_title(title)
    pdf.add_page()
    return pdf


def para(pdf: fpdf.FPDF, text: str, gap: float = 3) -> None:
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(gap)


def heading(pdf: fpdf.FPDF, text: str) -> None:
    pdf.set_font("Helvetica", "B", 13)
    pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


FILLER = (
    "The panel examined the records held by each agency and considered what was known about the "
    "relationship, how risk was assessed and whether information was shared between partners."
)


def texts(extracted) -> list[str]:
    return [b.text for b in extracted.blocks]


# --------------------------------------------------------------------------------------------
# Flowing reports made with fpdf2
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def three_page_report(tmp_path_factory) -> Path:
    pdf = report(title="Overview Report into the death of Adult A")
    heading(pdf, "1. Introduction")
    para(
        pdf,
        "1.1 This review examines the contact that agencies had with Adult A. "
        "The panel met on six occasions.",
    )
    para(pdf, "1.2 The review was commissioned by the Community Safety Partnership.")
    heading(pdf, "2. Background")
    for i in range(1, 40):
        para(pdf, f"2.{i} {FILLER}")
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    pdf.output(str(path))
    return path


def test_report_has_page_count_and_title(three_page_report):
    doc = extract(three_page_report)
    assert doc.page_count == 3
    assert doc.title_hint == "Overview Report into the death of Adult A"


def test_running_header_and_page_footer_are_removed(three_page_report):
    doc = extract(three_page_report)
    assert not any("OFFICIAL" in t for t in texts(doc))
    assert not any(t.startswith("Page ") for t in texts(doc))


def test_numbered_paragraphs_are_blocks_with_their_numbers(three_page_report):
    t = texts(extract(three_page_report))
    assert t[0] == "1. Introduction"
    assert (
        t[1] == "1.1 This review examines the contact that agencies had with Adult A. "
        "The panel met on six occasions."
    )
    assert t[2] == "1.2 The review was commissioned by the Community Safety Partnership."
    assert t[3] == "2. Background"
    numbered = [x for x in t if x.startswith("2.") and x != "2. Background"]
    assert [x.split()[0] for x in numbered] == [f"2.{i}" for i in range(1, 40)]
    assert all(x.endswith("between partners.") for x in numbered)


def test_blocks_have_correct_one_based_pages(three_page_report):
    doc = extract(three_page_report)
    pages = [b.page for b in doc.blocks]
    assert pages[0] == 1
    assert pages == sorted(pages)
    assert set(pages) == {1, 2, 3}


def test_headings_are_not_marked_as_source_headings_in_pdf(three_page_report):
    # a PDF does not mark headings; later code detects "4. Analysis" from the text
    assert all(b.heading_level == 0 for b in extract(three_page_report).blocks)


def test_paragraph_continuing_over_a_page_break_is_one_block_on_the_first_page(tmp_path):
    pdf = report()
    long = (
        "This paragraph runs over the page break because "
        + " ".join(
            ["the panel considered the chronology of agency contact and the information that was shared"] * 10
        )
        + " and it finally ends here."
    )
    for i in range(14):
        para(pdf, f"Paragraph {i}. {FILLER}")
    para(pdf, long)
    para(pdf, "A short paragraph after the long one.")
    for i in range(30):
        para(pdf, f"Closing paragraph {i}. {FILLER}")
    path = tmp_path / "cross.pdf"
    pdf.output(str(path))

    doc = extract(path)
    [block] = [b for b in doc.blocks if b.text.startswith("This paragraph runs over")]
    assert block.text.endswith("and it finally ends here.")
    assert block.page == 1
    after = doc.blocks[doc.blocks.index(block) + 1]
    assert after.text == "A short paragraph after the long one."
    assert after.page == 2


def test_bullets_and_minute_numbers(tmp_path):
    pdf = fpdf.FPDF()
    pdf.core_fonts_encoding = "windows-1252"
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in ["17.", "Domestic Abuse"]:
        pdf.cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    para(pdf, "Members heard that the County Council annual contribution was £670,490.")
    pdf.set_font("Helvetica", size=11)
    for line in ["• The police attended four incidents.", "• The GP saw Adult A seven times."]:
        pdf.cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "minutes.pdf"
    pdf.output(str(path))
    assert texts(extract(path)) == [
        "17.",
        "Domestic Abuse",
        "Members heard that the County Council annual contribution was £670,490.",
        "The police attended four incidents.",
        "The GP saw Adult A seven times.",
    ]


def test_hundred_page_pdf_extracts_in_a_few_seconds(tmp_path):
    # built with the raw writer (fpdf2 takes ~10 s to lay out 100 pages of multi_cell text)
    words = FILLER.split()
    pages, n = [], 0
    for _ in range(100):
        paras = []
        for _ in range(9):
            n += 1
            body = [" ".join(words[(n + k) % 5 :][:11]) for k in range(4)]
            paras.append(("N", f"{n // 10 + 1}.{n % 10 + 1} {body[0]}", *body[1:3], body[3] + "."))
        pages.append(layout(paras, top=780, pitch=13.4, gap=6))
    path = office_pdf(tmp_path, pages, name="long.pdf")
    started = time.perf_counter()
    doc = extract(path)
    elapsed = time.perf_counter() - started
    assert doc.page_count == 100
    assert len(doc.blocks) == 900
    assert not any("OFFICIAL" in t or t.startswith("Page ") for t in texts(doc))
    assert elapsed < 10, f"100 pages took {elapsed:.1f} s"


# --------------------------------------------------------------------------------------------
# An office-style PDF (hand-written content streams)
# --------------------------------------------------------------------------------------------


def _office_report(tmp_path: Path, gap: float) -> Path:
    p1 = layout(
        [
            ("B", "3. Analysis"),
            (
                "N",
                ["3.1", -2000, "The police received four calls from Adult C between"],
                "January and March 2020. On each occasion officers attended",
                "and completed a risk assessment.",
            ),
            (
                "N",
                "3.2 The GP practice recorded disclosures of self-",
                "harm but did not refer to the multi-agen-",
                "cy safeguarding hub at Stoke-on-",
                "Trent. The panel considered whether the",
            ),
        ],
        gap=gap,
    )
    p2 = layout(
        [
            ("N", "information held by the practice should have been shared", "with the hospital."),
            ("N", ["\u2022", -1500, "The ambulance service attended twice."]),
            ("N", ["\u2022", -1500, "The hospital saw her once."]),
            (
                "N",
                "Recommendation 1: The CSP should ensure that GP practices",
                "share information with partners.",
            ),
            ("N", "Background"),
            ("N", "Adult C lived with her partner in a rented flat."),
        ],
        gap=gap,
    )
    p3 = layout([("N", "3.3 A third page so that the header repeats on most pages.")], gap=gap)
    return office_pdf(tmp_path, [p1, p2, p3], title="Overview Report into the death of Adult C")


OFFICE_EXPECTED = [
    ("3. Analysis", 1),
    (
        "3.1 The police received four calls from Adult C between January and March 2020. "
        "On each occasion officers attended and completed a risk assessment.",
        1,
    ),
    (
        "3.2 The GP practice recorded disclosures of self-harm but did not refer to the multi-agency "
        "safeguarding hub at Stoke-on-Trent. The panel considered whether the information held by the "
        "practice should have been shared with the hospital.",
        1,
    ),
    ("The ambulance service attended twice.", 2),
    ("The hospital saw her once.", 2),
    ("Recommendation 1: The CSP should ensure that GP practices share information with partners.", 2),
    ("Background", 2),
    ("Adult C lived with her partner in a rented flat.", 2),
    ("3.3 A third page so that the header repeats on most pages.", 3),
]


@pytest.mark.parametrize("gap", [8.0, 0.0], ids=["spaced-paragraphs", "no-paragraph-spacing"])
def test_office_style_pdf(tmp_path, gap):
    doc = extract(_office_report(tmp_path, gap))
    assert [(b.text, b.page) for b in doc.blocks] == OFFICE_EXPECTED
    assert doc.page_count == 3
    assert doc.title_hint == "Overview Report into the death of Adult C"


def test_hyphen_rule_uses_the_documents_own_words(tmp_path):
    page = layout(
        [
            ("N", "The panel found that infor-", "mation was not shared."),
            ("N", "Agencies shared information late."),
            ("N", "Her well-", "being was not assessed."),
            ("N", "Covid-", "19 restrictions applied."),
        ]
    )
    doc = extract(office_pdf(tmp_path, [page]))
    assert texts(doc)[1:] == [
        "The panel found that information was not shared.",
        "Agencies shared information late.",
        "Her well-being was not assessed.",
        "Covid-19 restrictions applied.",
    ]


def test_single_page_keeps_its_title_line(tmp_path):
    # with one page nothing can be a *running* header, but the bare page number still goes
    page = layout([("N", "Executive Summary"), ("N", "The review found that agencies worked well.")])
    t = texts(extract(office_pdf(tmp_path, [page])))
    assert "Executive Summary" in t
    assert "Overview Report - Adult C - OFFICIAL" in t
    assert not any(x.startswith("Page 1") for x in t)


# --------------------------------------------------------------------------------------------
# Running headers and footers whose text varies from page to page
# --------------------------------------------------------------------------------------------

Furniture = Callable[[int, int], list[tuple]]


def furnished_pdf(tmp_path: Path, bodies: list[list[tuple]], furniture: Furniture, name: str = "doc.pdf") -> Path:
    """A PDF whose page i draws ``furniture(i, n)`` first (as office suites do), then ``bodies[i - 1]``."""
    n = len(bodies)
    path = tmp_path / name
    path.write_bytes(raw_pdf([draw_lines(furniture(i, n) + body) for i, body in enumerate(bodies, start=1)]))
    return path


def top(text: str, y: float = 805, size: float = 9, x: float = 72) -> tuple:
    return (text, x, y, size, False)


def foot(text: str, y: float = 30, size: float = 9, x: float = 260) -> tuple:
    return (text, x, y, size, False)


AGENCIES = ["police", "GP practice", "hospital", "housing provider", "probation service", "IDVA service",
            "school", "ambulance service", "mental health trust", "adult social care"]  # fmt: skip


def body_page(i: int) -> tuple[list[tuple], list[tuple[str, int]]]:
    """Page i's body -- a heading, two numbered paragraphs, a short one at the foot -- and its blocks."""
    agency = AGENCIES[i - 1]
    lines = layout(
        [
            ("B", f"What the {agency} knew"),
            ("N", f"{i}.1 The {agency} had contact with Anna on {i + 2} occasions and", "recorded each one."),
            ("N", f"{i}.2 The panel found that the {agency} did not share what it knew", "with partners."),
        ]
    )
    lines.append((f"Anna told the {agency} that she felt safe at home.", 72, 92, 11, False))
    blocks = [
        (f"What the {agency} knew", i),
        (f"{i}.1 The {agency} had contact with Anna on {i + 2} occasions and recorded each one.", i),
        (f"{i}.2 The panel found that the {agency} did not share what it knew with partners.", i),
        (f"Anna told the {agency} that she felt safe at home.", i),
    ]
    return lines, blocks


COVER = [
    ("Domestic Homicide Review", 72, 600, 20, True),
    ("Overview Report into the death of Anna", 72, 570, 14, False),
]
COVER_BLOCKS = [("Domestic Homicide Review", 1), ("Overview Report into the death of Anna", 1)]
CHAPTERS = {3: "Introduction", 5: "Terms of Reference", 7: "Chronology", 9: "Analysis and Learning"}


def _odd_even(i: int, n: int) -> list[tuple]:
    if i == 1:
        return []  # a cover page without header or footer
    text = "Overview Report – Anna – Final Version 3.2 – March 2022" if i % 2 == 0 else CHAPTERS[i]
    return [top(text, x=72 if i % 2 == 0 else 400), foot(f"Page {i}")]


VARYING = {
    # name: (pages, cover page?, furniture)
    "page-number-in-a-longer-footer": (6, False, lambda i, n: [foot(f"OFFICIAL | Kelsey Vale DHR | Page {i} of {n}")]),
    "marking-varies": (
        9,
        False,
        lambda i, n: [top("OFFICIAL - SENSITIVE" if i % 3 == 1 else "OFFICIAL", x=270), foot(f"{i} of {n}")],
    ),
    "marked-header-varies": (
        9,
        False,
        lambda i, n: [top(f"{'OFFICIAL-SENSITIVE' if i % 3 == 1 else 'OFFICIAL'} | Westmere CSP | DHR 'Daniel'")],
    ),
    "odd-even-title-and-chapter": (9, True, _odd_even),
    "version-changes-midway": (
        9,
        False,
        lambda i, n: [
            top("Domestic Homicide Review – 'Anna'"),
            foot("Draft v0.3 – 12 January 2022" if i <= 4 else "Final Version 1.0 – 3rd March 2022", x=72),
            foot(f"- {i} -", x=500),
        ],
    ),
    "date-changes-midway": (
        9,
        False,
        lambda i, n: [foot(f"Kelsey Vale DHR | {'12 January 2022' if i <= 2 else '3rd March 2022'} | Page {i}")],
    ),
    "section-headers": (
        9,
        False,
        lambda i, n: [top("Section 2: Chronology" if i <= 4 else "Section 3: Analysis"), foot(f"{i} | P a g e")],
    ),
    "roman-page-numbers-in-header": (
        5,
        False,
        lambda i, n: [top(f"Contents and Preface – Page {['i', 'ii', 'iii', 'iv', 'v'][i - 1]}")],
    ),
}


@pytest.mark.parametrize("style", list(VARYING))
def test_running_lines_whose_text_varies_are_removed(tmp_path, style):
    n, cover, furniture = VARYING[style]
    bodies, expected = [], []
    for i in range(1, n + 1):
        if i == 1 and cover:
            bodies.append(COVER)
            expected += COVER_BLOCKS
        else:
            lines, blocks = body_page(i)
            bodies.append(lines)
            expected += blocks
    doc = extract(furnished_pdf(tmp_path, bodies, furniture))
    assert [(b.text, b.page) for b in doc.blocks] == expected


@pytest.mark.parametrize(
    "marks",
    [
        ["OFFICIAL - SENSITIVE", "Page 1 of 1"],
        ["OFFICIAL SENSITIVE: PERSONAL", "1 | P a g e"],
        ["NOT PROTECTIVELY MARKED", "Page | 1"],
        ["RESTRICTED", "- 1 -"],
        ["CONFIDENTIAL", "OFFICIAL | Page 1"],
    ],
)
def test_markings_and_page_numbers_go_even_from_a_one_page_file(tmp_path, marks):
    lines, blocks = body_page(1)
    doc = extract(furnished_pdf(tmp_path, [lines], lambda i, n: [top(marks[0], x=260), foot(marks[1])]))
    assert [(b.text, b.page) for b in doc.blocks] == blocks


def test_body_text_at_the_edges_of_a_two_page_document_survives(tmp_path):
    # two pages: too little evidence to call anything "running" except what repeats on both
    p1 = layout(
        [
            ("B", "Executive Summary"),
            ("N", "1.1 This summary sets out what agencies knew about Hannah."),
        ]
    ) + [
        ("4.2 The GP recorded the disclosure and marked the record", 72, 100, 11, False),
        ("confidential. The panel found that the practice did not ask about the", 72, 86.6, 11, False),
    ]
    p2 = layout(
        [
            ("N", "relationship at later appointments."),
            ("B", "Recommendations"),
            ("N", "Recommendation 3: The CSP should ask GP practices to record", "disclosures of abuse."),
        ]
    ) + [("4.3 Official guidance was updated in 2022.", 72, 92, 11, False)]
    furniture = lambda i, n: [top(f"OFFICIAL | Brackenford CSP | Page {i} of {n}"), foot(f"{i} | P a g e")]  # noqa: E731
    doc = extract(furnished_pdf(tmp_path, [p1, p2], furniture))
    assert [(b.text, b.page) for b in doc.blocks] == [
        ("Executive Summary", 1),
        ("1.1 This summary sets out what agencies knew about Hannah.", 1),
        (
            "4.2 The GP recorded the disclosure and marked the record confidential. The panel found that the "
            "practice did not ask about the relationship at later appointments.",
            1,
        ),
        ("Recommendations", 2),
        ("Recommendation 3: The CSP should ask GP practices to record disclosures of abuse.", 2),
        ("4.3 Official guidance was updated in 2022.", 2),
    ]


def test_body_text_at_the_edges_of_a_three_page_document_survives(tmp_path):
    pages = [
        layout([("B", "Introduction"), ("N", "The review was commissioned in May 2021.")]),
        layout([("B", "Key findings"), ("N", "Agencies did not share information.")]),
        layout([("N", "The panel met six times."), ("B", "Key findings"), ("N", "Nobody asked Hannah.")]),
    ]
    feet = [
        "4.2 The GP saw Hannah on 3 March 2021.",
        "Hannah's employer was not contacted.",
        "Page 7 of the chronology sets out the calls.",
    ]
    for page, text in zip(pages, feet, strict=True):
        page.append((text, 72, 92, 11, False))
    furniture = lambda i, n: [top("OFFICIAL - SENSITIVE" if i == 1 else "OFFICIAL"), foot(f"- {i} -")]  # noqa: E731
    doc = extract(furnished_pdf(tmp_path, pages, furniture))
    # "Key findings" is on two of three pages, but not at the same height
    assert [(b.text, b.page) for b in doc.blocks] == [
        ("Introduction", 1),
        ("The review was commissioned in May 2021.", 1),
        ("4.2 The GP saw Hannah on 3 March 2021.", 1),
        ("Key findings", 2),
        ("Agencies did not share information.", 2),
        ("Hannah's employer was not contacted.", 2),
        ("The panel met six times.", 3),
        ("Key findings", 3),
        ("Nobody asked Hannah.", 3),
        ("Page 7 of the chronology sets out the calls.", 3),
    ]


def test_a_body_line_where_the_header_usually_is_survives(tmp_path):
    # the header is body-size; page 6 has no header and its text starts at the header's height
    bodies = [body_page(i)[0] for i in range(1, 6)]
    bodies.append(
        [
            ("The panel met with the family on two occasions and", 72, 805, 11, False),
            ("listened to their account of Margaret's life.", 72, 791.6, 11, False),
        ]
    )
    furniture = lambda i, n: [top("Kelsey Vale Community Safety Partnership", size=11)] if i < 6 else []  # noqa: E731
    doc = extract(furnished_pdf(tmp_path, bodies, furniture))
    assert doc.blocks[-1].text == (
        "The panel met with the family on two occasions and listened to their account of Margaret's life."
    )
    assert not any("Kelsey Vale" in b.text for b in doc.blocks)


def test_no_running_header_text_in_the_sample_corpus():
    pdfs = sorted((Path(__file__).resolve().parents[1] / "corpus" / "dhr").glob("*.pdf"))
    if not pdfs:
        pytest.skip("the sample corpus is not there")
    for path in pdfs:
        for block in extract(path).blocks:
            assert "OFFICIAL" not in block.text, (path.name, block.page, block.text)
            assert not is_page_number(block.text), (path.name, block.page, block.text)


# --------------------------------------------------------------------------------------------
# Pure functions on synthetic lines
# --------------------------------------------------------------------------------------------


def _lines(*specs: tuple[str, float]) -> list[Line]:
    return [Line(text=t, x=72, y=y, size=11) for t, y in specs]


def test_running_lines_are_short_repeated_edge_lines_at_one_height():
    def page(i: int, numbered_y: float) -> list[Line]:
        return _lines(
            ("OFFICIAL", 810),
            (f"Domestic Homicide Review {2020 + i}", 798),  # digits may vary
            (f"{i}.1 The panel met on {i} May.", numbered_y),
            ("relationship, how risk was assessed.", 756),  # lower-case start: body text, never running
            (["Police attended.", "The GP saw her.", "Housing was told.", "School noticed."][i - 1], 700),
            (["She moved house.", "He was arrested.", "A MARAC was held.", "The case closed."][i - 1], 686),
            (f"Page {i} of 4", 30),
        )

    pages = [page(1, 770), page(2, 770), page(3, 760), page(4, 770)]
    kept = remove_running_lines(pages)
    for i, lines in enumerate(kept, start=1):
        assert [ln.text for ln in lines] == [
            f"{i}.1 The panel met on {i} May.",
            "relationship, how risk was assessed.",
            ["Police attended.", "The GP saw her.", "Housing was told.", "School noticed."][i - 1],
            ["She moved house.", "He was arrested.", "A MARAC was held.", "The case closed."][i - 1],
        ]


def test_a_short_repeated_line_at_different_heights_is_kept():
    pages = [
        _lines(("Contents", 810 - 20 * i), ("Body.", 700), ("More body.", 600), ("End.", 500))
        for i in range(4)
    ]
    assert all("Contents" in [ln.text for ln in lines] for lines in remove_running_lines(pages))


def test_page_number_shapes():
    shapes = ["7", "- 7 -", "Page 7", "page 7 of 24", "7 of 24", "7/24", "vii", "(3)", "[12]"]
    shapes += ["3 | P a g e", "Page | 3", "P a g e 3", "3 | Page", "Page iv of xl", "– 12 –"]
    for text in shapes:
        assert is_page_number(text), text
    for text in ["17.", "4.2.1", "Page 7 shows the chronology", "Contents", "Civil", "(c)", "3 Pages"]:
        assert not is_page_number(text), text


def test_protective_markings():
    markings = ["OFFICIAL", "Official", "OFFICIAL - SENSITIVE", "OFFICIAL-SENSITIVE", "OFFICIAL – SENSITIVE"]
    markings += ["Official Sensitive", "OFFICIAL SENSITIVE: PERSONAL", "[OFFICIAL]", "NOT PROTECTIVELY MARKED"]
    markings += ["RESTRICTED", "CONFIDENTIAL", "Government Security Classification: OFFICIAL"]
    for text in markings:
        assert is_protective_marking(text), text
    others = ["Overview Report - Adult C - OFFICIAL", "OFFICIAL | Kelsey Vale DHR", "Unofficial", "Confidentiality"]
    for text in others + ["The official record", "OFFICIAL SENSITIVE until published by the Home Office"]:
        assert not is_protective_marking(text), text


def test_varying_running_lines_on_synthetic_pages():
    body = ["Police attended.", "The GP saw her.", "Housing was told.", "School noticed.", "MARAC met.", "End."]
    roman = ["i", "ii", "iii", "iv", "v", "vi"]

    def page(i: int) -> list[Line]:
        month = ["May", "June"][i // 3]  # the version and date change half way through
        return _lines(
            ("OFFICIAL - SENSITIVE" if i == 2 else "OFFICIAL", 815),
            (f"DHR Anna – Version {i // 3}.{i} – {month} 2022 – Page {roman[i]}", 800),
            (body[i], 770),
            (f"{i + 1}.4 The panel met on {i + 1} May.", 60),
            (f"{i + 1} | P a g e", 30),
        )

    kept = remove_running_lines([page(i) for i in range(6)])
    assert [[ln.text for ln in lines] for lines in kept] == [
        [text, f"{i + 1}.4 The panel met on {i + 1} May."] for i, text in enumerate(body)
    ]


def test_table_cells_lining_up_on_a_few_pages_are_kept():
    # a chronology table: "Police" and date cells end pages 2-4 at one height; both are also body text
    words = "alpha bravo charlie delta echo foxtrot golf hotel india juliet".split()
    endings = {i: [f"The {w} entry was closed.", f"See the {w} note."] for i, w in enumerate(words, start=1)}
    endings |= {i: [f"1{i}/03/2019", "Police"] for i in (2, 3, 4)}

    def page(i: int) -> list[Line]:
        lines = _lines(("Chronology of agency contact", 810), (f"{i}.1 Anna called the police.", 700))
        lines += _lines((f"{i}.2 {endings[i][0]}", 686), ("Police", 400), ("03/02/2019", 380), ("Police", 360))
        return lines + _lines((endings[i][0], 94), (endings[i][1], 80), (f"Page {i} of 10", 30))

    kept = remove_running_lines([page(i) for i in range(1, 11)])
    for i, lines in enumerate(kept, start=1):
        assert [ln.text for ln in lines] == [
            f"{i}.1 Anna called the police.", f"{i}.2 {endings[i][0]}", "Police", "03/02/2019", "Police", *endings[i]
        ]  # fmt: skip


def test_cross_page_join_on_synthetic_lines():
    pages = [
        _lines(("2.1 The GP referred her to the", 700), ("mental health team but the", 686.6)),
        _lines(("referral was not accepted.", 770), ("2.2 Next paragraph.", 740)),
        _lines(("Upper-case start after an unfinished line", 770)),
    ]
    pages[2].insert(0, Line(text="2.3 The panel noted that", x=72, y=783.4, size=11))
    blocks = blocks_from_page_lines(pages)
    assert [(b.text, b.page) for b in blocks] == [
        ("2.1 The GP referred her to the mental health team but the referral was not accepted.", 1),
        ("2.2 Next paragraph.", 2),
        ("2.3 The panel noted that Upper-case start after an unfinished line", 3),
    ]


def test_cross_page_join_steps_over_footnotes():
    pages = [
        _lines(("2.1 The GP referred her to the", 700), ("mental health team but the", 686.6))
        + [Line(text="3 NICE guidance on referrals, 2019.", x=72, y=60, size=8)],
        _lines(("referral was not accepted.", 770), ("2.2 Next paragraph.", 740)),
    ]
    assert [(b.text, b.page) for b in blocks_from_page_lines(pages)] == [
        ("2.1 The GP referred her to the mental health team but the referral was not accepted.", 1),
        ("3 NICE guidance on referrals, 2019.", 1),
        ("2.2 Next paragraph.", 2),
    ]


def test_footnotes_are_found_at_the_foot_of_the_page_though_a_pull_quote_printed_above_comes_after_them():
    # a box of larger text placed higher up the page, but written after the notes in the content stream
    body = [Line(text=f"Practitioners should share information when it is needed to keep a child safe {i}.",
                 x=72, y=700 - 14 * i, size=11) for i in range(6)]
    notes = [Line(text="15 Special category data is defined in Annex A", x=72, y=90, size=7),
             Line(text="16 What are the conditions for processing? | ICO", x=72, y=78, size=7)]
    quote = [Line(text="You can be confident in sharing personal information", x=90, y=585, size=12, bold=True)]
    blocks = blocks_from_page_lines([body + notes + quote])
    roles = {b.text: b.role for b in blocks}
    assert roles["15 Special category data is defined in Annex A"] == "footnote"
    assert roles["16 What are the conditions for processing? | ICO"] == "footnote"
    assert roles["You can be confident in sharing personal information"] == "body"


def test_a_headings_parenthesis_on_a_line_of_its_own_stays_in_the_heading():
    # DfE's information-sharing advice sets "(including personal information):" under its 18 pt heading; it
    # was read as the opening words of the first rule
    body = [Line(text=f"{i}. Practitioners should share information when it is needed to keep a child safe.",
                 x=72, y=660 - 14 * i, size=12) for i in range(1, 7)]
    heading = [Line(text="The Seven golden rules for sharing information", x=72, y=744, size=18, bold=True),
               Line(text="(including personal information):", x=72, y=723, size=18, bold=True)]
    blocks = blocks_from_page_lines([heading + body])
    assert blocks[0].text == "The Seven golden rules for sharing information (including personal information):"
    assert blocks[0].type_level == 1
    assert blocks[1].text.startswith("1. Practitioners")


def test_no_cross_page_join_after_a_finished_sentence():
    pages = [_lines(("The panel met.", 700)), _lines(("and then something else.", 770))]
    blocks = blocks_from_page_lines(pages)
    assert [(b.text, b.page) for b in blocks] == [("The panel met.", 1), ("and then something else.", 2)]


def test_meaningful_title():
    assert meaningful_title("Microsoft Word - DHR_Adult_A_final.docx") is None
    assert meaningful_title("Untitled") is None
    assert meaningful_title("   ") is None
    assert meaningful_title("DHR_Report_v3_final") is None
    assert meaningful_title("Domestic Homicide Review: Adult A") == "Domestic Homicide Review: Adult A"


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


def _simple_pdf(path: Path, text: str = "1.1 The panel met on three occasions.", **encryption) -> Path:
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 5, text)
    if encryption:
        pdf.set_encryption(**encryption)
    pdf.output(str(path))
    return path


def test_encrypted_with_empty_user_password_is_read(tmp_path):
    path = _simple_pdf(tmp_path / "enc.pdf", owner_password="owner-only", user_password="")
    assert texts(extract(path)) == ["1.1 The panel met on three occasions."]


def test_encrypted_with_a_real_password_is_refused(tmp_path):
    path = _simple_pdf(tmp_path / "locked.pdf", owner_password="owner", user_password="secret")
    with pytest.raises(EncryptedFileError) as err:
        extract(path)
    assert err.value.reason == "password-protected: cannot be read without the password"
    assert err.value.path == path


def test_image_only_pdf_needs_ocr(tmp_path):
    from PIL import Image

    img = tmp_path / "scan.png"
    Image.new("RGB", (200, 280), "white").save(img)
    pdf = fpdf.FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.image(str(img), x=10, y=10, w=190)
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(NoTextError) as err:
        extract(path, ocr=False)
    assert err.value.reason == "no text layer: needs OCR"
    if shutil.which("tesseract"):  # OCR reads the pictures and finds no words on them
        with pytest.raises(NoTextError) as err:
            extract(path)
        assert err.value.reason == "no text: OCR found no words on the scanned pages"


def test_blank_pdf_is_no_text(tmp_path):
    pdf = fpdf.FPDF()
    pdf.add_page()
    path = tmp_path / "blank.pdf"
    pdf.output(str(path))
    with pytest.raises(NoTextError) as err:
        extract(path)
    assert err.value.reason == "no text: every page is blank"


def test_truncated_pdf_is_corrupt(tmp_path, three_page_report):
    data = three_page_report.read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptFileError) as err:
        extract(path)
    assert "truncated" in err.value.reason


def test_pdf_with_its_middle_missing_is_corrupt(tmp_path, three_page_report):
    data = three_page_report.read_bytes()
    path = tmp_path / "holed.pdf"
    path.write_bytes(data[:600] + data[-400:])
    with pytest.raises(CorruptFileError):
        extract(path)


def test_junk_bytes_named_pdf(tmp_path):
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"\x00\x01\x02 this is not a pdf at all, The Panel Met In Secret " * 20)
    with pytest.raises(CorruptFileError) as err:
        extract(path)
    assert err.value.reason.startswith("not a PDF (")
    assert "Secret" not in str(err.value)  # never quote content


def test_html_saved_as_pdf_says_so(tmp_path):
    path = tmp_path / "page.pdf"
    path.write_text("<!DOCTYPE html><html><body><p>Minutes</p></body></html>", encoding="utf-8")
    with pytest.raises(CorruptFileError) as err:
        extract(path)
    assert err.value.reason == "not a PDF (content looks like HTML)"


def test_zero_byte_pdf_is_empty(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    with pytest.raises(NoTextError) as err:
        extract(path)
    assert err.value.reason == "empty file"


def test_size_limit_checked_before_reading(tmp_path, monkeypatch):
    import ingest.pdf

    path = _simple_pdf(tmp_path / "big.pdf")
    monkeypatch.setattr(ingest.pdf, "MAX_PDF_BYTES", 100)
    with pytest.raises(FileTooLargeError) as err:
        extract_pdf(path)
    assert "too large" in err.value.reason


def test_pypdf_warnings_are_counted_not_printed(tmp_path, capsys, three_page_report):
    data = bytearray(three_page_report.read_bytes())
    # break the startxref pointer: pypdf recovers (with many warnings) and still reads the file
    idx = data.rindex(b"startxref")
    data[idx + 10 : idx + 12] = b"99"
    path = tmp_path / "warned.pdf"
    path.write_bytes(bytes(data))
    try:
        doc = extract(path)
    except CorruptFileError:
        return  # equally acceptable: refused with a reason
    assert doc.blocks
    captured = capsys.readouterr()
    assert "startxref" not in captured.err


def test_cross_page_join_of_a_sentence_cut_on_a_full_line_that_runs_on_in_the_same_column():
    # Kent's cabinet report: "... As of October" / "2024, the 18-25 section ..."; a page break is no reason to
    # end a paragraph whose last line runs to the margin without a sentence end
    pages = [
        _lines(("1.2 The service currently oversees the transitions of young people aged", 700),
               ("18 to 25 who were known to it as children. However, the director keeps", 686.6),
               ("responsibility for people beyond the legal scope of the role. As of October", 673.2)),
        _lines(("2024, the section was working with 894 young adults and their families.", 770),
               ("1.3 It is proposed to transfer the statutory functions to adult services.", 740)),
    ]
    blocks = blocks_from_page_lines(pages)
    assert [(b.text[-45:], b.page) for b in blocks] == [
        ("ctober 2024, the section was working with 894 young adults and their families."[-45:], 1),
        ("ransfer the statutory functions to adult services."[-45:], 2),
    ]


def test_no_cross_page_join_of_a_full_line_when_the_next_page_starts_elsewhere_or_in_other_type():
    first = _lines(("1.2 The service currently oversees the transitions of young people aged", 700),
                   ("18 to 25 who were known to it as children. However, the director keeps", 686.6),
                   ("responsibility for the people set out in the table of the service below", 673.2))
    indented = [Line(text="Service users by district and age group in the year to March 2024, all ages",
                     x=150, y=770, size=11)]
    bold = [Line(text="Transfer of the service to adult social care and health", x=72, y=770, size=11, bold=True),
            Line(text="It is proposed to transfer the statutory functions to the adult directorate.", x=72,
                 y=756.6, size=11)]
    for second in (indented, bold):
        blocks = blocks_from_page_lines([first, second])
        assert [b.page for b in blocks][:2] == [1, 2], second[0].text


def _hanging(number: int, y: float, turned: list[str]) -> list[Line]:
    """A numbered paragraph set with a hanging indent: its number at the margin, turned lines under its text."""
    first = Line(text=f"{number}. Children who are at risk of exploitation receive an excellent service from",
                 x=72, y=y, size=11)
    return [first] + [Line(text=t, x=100, y=y - 13.4 * (i + 1), size=11) for i, t in enumerate(turned)]


FULL = "the team. The response is prompt, well coordinated and effective, and plans are"
LAST = "reviewed. Return home interviews are timely and explore well why children go missing."


def _indented_report(extra: list[Line] | None = None) -> list[list[Line]]:
    page1 = []
    for k in range(5):
        page1 += _hanging(k + 1, 760 - 70 * k, [FULL, "reviewed regularly by the managers of the service."])
    page1 += extra or []
    page1 += _hanging(6, 300, [FULL, LAST])
    page2 = [Line(text="Appropriate action is taken to reduce episodes of children going missing, thus", x=100,
                  y=770, size=11),
             Line(text="keeping children safer.", x=100, y=756.6, size=11)]
    page2 += _hanging(7, 720, [FULL, "reviewed regularly by the managers of the service."])
    return [page1, page2]


def test_a_numbered_paragraph_with_a_hanging_indent_goes_on_over_a_page_that_opens_at_its_indent():
    # Ofsted's reports number every paragraph and set it with a hanging indent; a page that opens at the indent
    # with a capital after a finished sentence is the paragraph above going on ("... go missing." / "Appropriate
    # action is taken ..."), not a paragraph of its own
    blocks = blocks_from_page_lines(_indented_report())
    six = next(b for b in blocks if b.text.startswith("6. "))
    assert six.page == 1
    assert six.text.endswith("why children go missing. Appropriate action is taken to reduce episodes of children "
                             "going missing, thus keeping children safer.")
    assert [b.text[:3] for b in blocks] == ["1. ", "2. ", "3. ", "4. ", "5. ", "6. ", "7. "]


def test_no_join_at_the_indent_where_the_document_starts_paragraphs_of_their_own_there():
    # a report that sets unnumbered paragraphs at the indent under a numbered one ("Members should have regard
    # ..." under 4.14): a page that opens at the indent may be such a paragraph
    own = [Line(text="Members should have appropriate regard to these local factors in the decision.", x=100,
                y=390, size=11)]
    blocks = blocks_from_page_lines(_indented_report(own))
    assert any(b.text.startswith("Appropriate action") and b.page == 2 for b in blocks)


def test_a_list_items_turned_lines_stay_with_its_first_line_read_at_the_bullets_size():
    # pypdf reports the words after a Symbol-font bullet at the bullet's 10 pt; the item's turned lines, under its
    # text, are read at the text's 12 pt (DfE's National Framework: every bullet item was cut in two)
    body = [Line(text=f"Local authorities provide this support in partnership with other agencies {i}.", x=57,
                 y=760 - 16.5 * i, size=12) for i in range(4)]
    items = [
        Line(text="• provide a range of support to a child who has left care (section 23A, 23B, 23C,", x=75,
             y=680, size=10),
        Line(text="Children Act 1989)", x=93, y=663.5, size=12),
        Line(text="• undertake enquiries when there are concerns a child may suffer significant harm", x=75,
             y=635, size=10),
        Line(text="and take action to keep them safe, including taking the child into care (section 47,", x=93,
             y=618.5, size=12),
        Line(text="section 31, Children Act 1989)", x=93, y=602, size=12),
    ]
    note = [Line(text="3 A safeguarding partner is defined under the Children Act 2004.", x=93, y=585, size=8)]
    texts_read = [b.text for b in blocks_from_page_lines([body + items + note])]
    assert texts_read[1:] == [
        "provide a range of support to a child who has left care (section 23A, 23B, 23C, Children Act 1989)",
        "undertake enquiries when there are concerns a child may suffer significant harm and take action to keep "
        "them safe, including taking the child into care (section 47, section 31, Children Act 1989)",
        "3 A safeguarding partner is defined under the Children Act 2004.",
    ]


def test_a_note_reference_glued_to_its_word_is_dropped_when_the_page_prints_that_note():
    # DfE's advice sets references by text rise: pypdf reads "DSAs22 with" in one run at the body size; note 22 at
    # the foot of the page says the 22 is a reference, not part of the word. A number no note carries stays.
    body = [Line(text=f"It is good practice for agencies to have in place DSAs22 with the partners {i}.", x=72,
                 y=700 - 14 * i, size=12) for i in range(3)]
    body.append(Line(text="Outbreaks of COVID19 were reported by the ICO website.23", x=72, y=650, size=12))
    notes = [Line(text="22 Data sharing agreements | ICO", x=72, y=90, size=8),
             Line(text="23 Guide to the UK GDPR | ICO", x=72, y=80, size=8)]
    blocks = blocks_from_page_lines([body + notes])
    text = " ".join(b.text for b in blocks if b.role == "body")
    assert "DSAs22" not in text and "DSAs with the partners 0." in text
    assert "COVID19" in text and "the ICO website. " in text + " "
    assert [b.text for b in blocks if b.role == "footnote"] == ["22 Data sharing agreements | ICO",
                                                                "23 Guide to the UK GDPR | ICO"]


def test_a_sentence_set_in_bold_inside_a_paragraph_stays_in_it():
    # DfE's golden rules: "1. All children have a right ... neglect." then, in bold on the next lines, "Protecting a
    # child from such harm takes priority over protecting their" / "privacy ..." back in roman type: one rule
    filler = [Line(text=f"Practitioners should share information when it is needed to keep a child safe {i}.",
                   x=57, y=780 - 13.8 * i, size=12) for i in range(4)]
    rule = [
        Line(text="1. All children have a right to be protected from abuse and neglect.", x=80, y=696, size=12),
        Line(text="Protecting a child from such harm takes priority over protecting their", x=98, y=682.2,
             size=12, bold=True),
        Line(text="privacy, or the privacy rights of the person(s) failing to protect them. The", x=98, y=668.4,
             size=12),
        Line(text="UK General Data Protection Regulation provides a framework to share information.", x=98,
             y=654.6, size=12),
    ]
    heading = [
        Line(text="Consultation Proposals for the Cessation of the Commissioned Family Hub Contracts", x=57,
             y=620, size=12, bold=True),
        Line(text="The proposal on which we consulted was to not retender the two commissioned contracts.", x=57,
             y=606.2, size=12),
    ]
    texts_read = [b.text for b in blocks_from_page_lines([filler + rule + heading])]
    assert ("1. All children have a right to be protected from abuse and neglect. Protecting a child from such harm "
            "takes priority over protecting their privacy, or the privacy rights of the person(s) failing to protect "
            "them. The UK General Data Protection Regulation provides a framework to share information.") in texts_read
    assert texts_read[-2:] == [
        "Consultation Proposals for the Cessation of the Commissioned Family Hub Contracts",
        "The proposal on which we consulted was to not retender the two commissioned contracts.",
    ]


def _ruled_table(pdf: fpdf.FPDF, rows: list[tuple[str, ...]]) -> None:
    pdf.set_font("Helvetica", size=10)
    with pdf.table() as table:
        for cells in rows:
            row = table.row()
            for cell in cells:
                row.cell(cell)
    pdf.ln(4)


def test_a_table_below_the_text_of_the_next_page_is_a_table_of_its_own_though_it_has_as_many_columns(tmp_path):
    # Kent's decision report: a four-column table of contracts ends page 5; page 6 has paragraphs, then a new
    # four-column table of authorities, which was read as more rows of the first under its column names
    pdf = report()
    para(pdf, FILLER)
    _ruled_table(pdf, [("Centre", "Area", "End date", "Value"), ("Millmead", "Margate", "31/03/2025", "£222,127"),
                       ("Seashells", "Sheerness", "31/03/2025", "£204,302")])
    para(pdf, FILLER)
    pdf.add_page()
    para(pdf, "4.8 For benchmarking purposes, the number of Family Hub locations per 10,000 people has been "
              "compared with other authorities of a similar size.")
    _ruled_table(pdf, [("Authority", "Population", "Sites", "Rate"), ("Kent", "370,000", "50", "1.3"),
                       ("Essex", "340,000", "35", "1.03")])
    para(pdf, FILLER)
    path = tmp_path / "tables.pdf"
    pdf.output(str(path))
    rows = [(b.page, b.row, b.text) for b in extract(path).blocks if b.role == "table_row"]
    assert rows == [
        (1, 1, "Centre: Millmead · Area: Margate · End date: 31/03/2025 · Value: £222,127"),
        (1, 2, "Centre: Seashells · Area: Sheerness · End date: 31/03/2025 · Value: £204,302"),
        (2, 1, "Authority: Kent · Population: 370,000 · Sites: 50 · Rate: 1.3"),
        (2, 2, "Authority: Essex · Population: 340,000 · Sites: 35 · Rate: 1.03"),
    ]


def test_a_bulleted_line_is_marked_as_a_list_item():
    body = [Line(text=f"Local authorities provide this support in partnership with other agencies {i}.", x=57,
                 y=760 - 14 * i, size=12) for i in range(3)]
    items = [Line(text="• Data analysis", x=75, y=700, size=12), Line(text="• MIS maintenance", x=75, y=686, size=12)]
    blocks = blocks_from_page_lines([body + items])
    assert [(b.text, b.list_item) for b in blocks][-2:] == [("Data analysis", True), ("MIS maintenance", True)]
    assert not blocks[0].list_item
