"""Word .docx: paragraphs in order, headings, tables, list numbers, title, errors.

Documents are built at test time with python-docx; numbering and tracked changes are added as
raw WordprocessingML where python-docx has no API for them.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

docx = pytest.importorskip("docx")
from docx.enum.style import WD_STYLE_TYPE  # noqa: E402
from docx.oxml import parse_xml  # noqa: E402
from docx.oxml.ns import nsdecls  # noqa: E402

from ingest.blocks import Block  # noqa: E402
from ingest.extract import extract  # noqa: E402
from kb.errors import CorruptFileError, EncryptedFileError, NoTextError  # noqa: E402


def save(document, tmp_path: Path, name: str = "report.docx") -> Path:
    path = tmp_path / name
    document.save(str(path))
    return path


def texts(doc) -> list[str]:
    return [b.text for b in doc.blocks]


def test_paragraphs_headings_and_tables_in_order(tmp_path):
    d = docx.Document()
    d.add_heading("Overview Report", 0)  # the "Title" style
    d.add_heading("1. Introduction", 1)
    d.add_paragraph("The panel met six times.")
    d.add_heading("Agency contact", 2)
    t = d.add_table(rows=3, cols=3)
    for r, row in enumerate([["Agency", "Contacts", "Period"], ["Police", "4", "2019-2021"], ["", "", ""]]):
        for c, value in enumerate(row):
            t.cell(r, c).text = value
    d.add_paragraph("After the table the contribution was £670,490.")
    d.add_heading("Deep", 3)
    doc = extract(save(d, tmp_path))
    assert doc.blocks == [
        Block("Overview Report", heading_level=1),
        Block("1. Introduction", heading_level=1),
        Block("The panel met six times."),
        Block("Agency contact", heading_level=2),
        Block("Agency | Contacts | Period"),
        Block("Police | 4 | 2019-2021"),
        Block("After the table the contribution was £670,490."),
        Block("Deep", heading_level=3),
    ]
    assert doc.page_count is None


def test_merged_cells_are_not_repeated_and_single_cell_rows_keep_paragraphs(tmp_path):
    d = docx.Document()
    t = d.add_table(rows=2, cols=3)
    t.cell(0, 0).merge(t.cell(0, 1)).text = "Merged heading"
    t.cell(0, 2).text = "Right"
    t.cell(1, 0).text = "Only one cell has text"
    t.cell(1, 0).add_paragraph("and a second paragraph in it")
    assert texts(extract(save(d, tmp_path))) == [
        "Merged heading | Right",
        "Only one cell has text",
        "and a second paragraph in it",
    ]


def test_title_hint_from_core_properties_then_title_paragraph(tmp_path):
    d = docx.Document()
    d.core_properties.title = "DHR Overview Report Adult B"
    d.add_paragraph("Body.")
    assert extract(save(d, tmp_path, "a.docx")).title_hint == "DHR Overview Report Adult B"

    d = docx.Document()
    d.core_properties.title = "Microsoft Word - draft3.docx"
    d.add_heading("Executive Summary", 1)
    d.add_heading("Domestic Homicide Review into the death of Adult C", 0)
    assert (
        extract(save(d, tmp_path, "b.docx")).title_hint
        == "Domestic Homicide Review into the death of Adult C"
    )

    d = docx.Document()
    d.add_heading("Executive Summary", 1)
    assert extract(save(d, tmp_path, "c.docx")).title_hint == "Executive Summary"


def test_builtin_list_styles(tmp_path):
    d = docx.Document()
    d.add_paragraph("First numbered point.", style="List Number")
    d.add_paragraph("Second numbered point.", style="List Number")
    d.add_paragraph("A bullet point.", style="List Bullet")
    assert texts(extract(save(d, tmp_path))) == [
        "1. First numbered point.",
        "2. Second numbered point.",
        "A bullet point.",
    ]


def _add_multilevel_numbering(document) -> str:
    """Add a DHR-style legal numbering (1. / 1.1 / 1.1.1) and return its numId."""
    numbering = document.part.numbering_part.element
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(
            [("decimal", "%1."), ("decimal", "%1.%2"), ("decimal", "%1.%2.%3"), ("lowerLetter", "(%4)")]
        )
    )
    numbering.append(
        parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">{levels}</w:abstractNum>')
    )
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="91"><w:abstractNumId w:val="90"/>'
            '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="7"/></w:lvlOverride></w:num>'
        )
    )
    return "90"


def _numbered(document, text: str, ilvl: int, num_id: str = "90"):
    p = document.add_paragraph(text)
    p._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )
    return p


def test_multilevel_numbering_is_printed_like_word(tmp_path):
    d = docx.Document()
    _add_multilevel_numbering(d)
    for text, lvl in [
        ("Introduction", 0),
        ("The review began.", 1),
        ("The panel met.", 1),
        ("The GP was contacted.", 2),
        ("A sub point.", 3),
        ("Analysis", 0),
        ("Police contact.", 1),
    ]:
        _numbered(d, text, lvl)
    _numbered(d, "Restarted list.", 0, num_id="91")
    assert texts(extract(save(d, tmp_path))) == [
        "1. Introduction",
        "1.1 The review began.",
        "1.2 The panel met.",
        "1.2.1 The GP was contacted.",
        "(a) A sub point.",
        "2. Analysis",
        "2.1 Police contact.",
        "7. Restarted list.",
    ]


def test_heading_style_chain_and_outline_level(tmp_path):
    d = docx.Document()
    custom = d.styles.add_style("DHR Section", WD_STYLE_TYPE.PARAGRAPH)
    custom.base_style = d.styles["Heading 2"]
    outline = d.styles.add_style("Report Part", WD_STYLE_TYPE.PARAGRAPH)
    outline.element.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl {nsdecls("w")} w:val="0"/>'))
    d.add_paragraph("Findings", style="DHR Section")
    d.add_paragraph("Part One", style="Report Part")
    d.add_paragraph("Body.")
    assert extract(save(d, tmp_path)).blocks == [
        Block("Findings", heading_level=2),
        Block("Part One", heading_level=1),
        Block("Body."),
    ]


def test_hyperlinks_and_insertions_count_deletions_and_toc_do_not(tmp_path):
    d = docx.Document()
    toc = d.styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH)
    d.add_paragraph("1. Introduction ........ 3", style=toc)
    p = d.add_paragraph("See ")
    p._p.append(
        parse_xml(
            f'<w:hyperlink {nsdecls("w", "r")} r:id="rIdX">'
            "<w:r><w:t>the published report</w:t></w:r></w:hyperlink>"
        )
    )
    p._p.append(
        parse_xml(
            f'<w:ins {nsdecls("w")} w:id="1" w:author="a">'
            '<w:r><w:t xml:space="preserve"> now</w:t></w:r></w:ins>'
        )
    )
    p._p.append(
        parse_xml(
            f'<w:del {nsdecls("w")} w:id="2" w:author="a"><w:r><w:delText> never</w:delText></w:r></w:del>'
        )
    )
    p._p.append(parse_xml(f"<w:r {nsdecls('w')}><w:tab/><w:t>online.</w:t></w:r>"))
    assert texts(extract(save(d, tmp_path))) == ["See the published report now online."]


def test_text_in_content_controls_is_read(tmp_path):
    d = docx.Document()
    d.add_paragraph("Before.")
    d.element.body.insert(
        1,
        parse_xml(
            f"<w:sdt {nsdecls('w')}><w:sdtPr/><w:sdtContent>"
            "<w:p><w:r><w:t>Inside a control.</w:t></w:r></w:p>"
            "</w:sdtContent></w:sdt>"
        ),
    )
    assert texts(extract(save(d, tmp_path))) == ["Before.", "Inside a control."]


def test_empty_document_has_no_text(tmp_path):
    d = docx.Document()
    d.add_paragraph("   ")
    with pytest.raises(NoTextError):
        extract(save(d, tmp_path))


def test_zero_byte_docx_is_empty(tmp_path):
    path = tmp_path / "empty.docx"
    path.write_bytes(b"")
    with pytest.raises(NoTextError) as err:
        extract(path)
    assert err.value.reason == "empty file"


def test_non_zip_docx_is_not_a_word_file(tmp_path):
    path = tmp_path / "fake.docx"
    path.write_text("This is plain text pretending to be Word.")
    with pytest.raises(CorruptFileError) as err:
        extract(path)
    assert err.value.reason.startswith("not a valid Word file (")
    assert "pretending" not in str(err.value)


def test_zip_that_is_not_a_word_document(tmp_path):
    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(CorruptFileError) as err:
        extract(path)
    assert err.value.reason.startswith("not a valid Word file (")


def test_truncated_docx_is_corrupt(tmp_path):
    d = docx.Document()
    d.add_paragraph("Some text.")
    data = save(d, tmp_path).read_bytes()
    path = tmp_path / "cut.docx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptFileError) as err:
        extract(path)
    assert err.value.reason.startswith("not a valid Word file (")


OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def test_old_binary_doc_renamed_docx(tmp_path):
    path = tmp_path / "old.docx"
    path.write_bytes(OLE2_MAGIC + b"\x00" * 1024)
    with pytest.raises(CorruptFileError) as err:
        extract(path)
    assert err.value.reason == "not a valid Word file (an old binary .doc file; save it as .docx)"


def test_password_protected_docx(tmp_path):
    # Office saves an encrypted .docx as an OLE2 file holding an "EncryptedPackage" stream
    path = tmp_path / "locked.docx"
    path.write_bytes(OLE2_MAGIC + b"\x00" * 512 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512)
    with pytest.raises(EncryptedFileError) as err:
        extract(path)
    assert err.value.reason == "password-protected: cannot be read without the password"


def test_paragraph_text_ignores_text_boxes(tmp_path):
    d = docx.Document()
    p = d.add_paragraph("Main text.")
    mc = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    wps = 'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
    box = (
        f'<w:r {nsdecls("w")} {mc} {wps}><mc:AlternateContent><mc:Choice Requires="wps">'
        "<w:drawing/></mc:Choice><mc:Fallback><w:pict><w:t>Fallback copy</w:t></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )
    p._p.append(parse_xml(box))
    assert texts(extract(save(d, tmp_path))) == ["Main text."]


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _with_notes_part(path: Path, part: str, kind: str, notes: dict[int, str]) -> None:
    """Add a footnotes or endnotes part to a saved .docx (python-docx has no API for notes)."""
    body = "".join(
        f'<w:{kind} w:id="{i}"><w:p><w:r><w:{kind}Ref/></w:r><w:r><w:t xml:space="preserve"> {text}</w:t></w:r>'
        f"</w:p></w:{kind}>" for i, text in notes.items())
    separator = f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
    xml = f'<?xml version="1.0" encoding="UTF-8"?><w:{kind}s xmlns:w="{W_NS}">{separator}{body}</w:{kind}s>'
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr(part, xml)


def _cite(paragraph, kind: str, note_id: int) -> None:
    paragraph.add_run()._r.append(parse_xml(f'<w:{kind}Reference {nsdecls("w")} w:id="{note_id}"/>'))


def test_footnotes_follow_their_section_numbered_as_printed_and_apart_from_the_text(tmp_path):
    d = docx.Document()
    d.add_heading("1. Introduction", 1)
    _cite(d.add_paragraph("1.1 The review was commissioned under section 9 of the Act."), "footnote", 7)
    d.add_paragraph("1.2 The panel met six times.")
    _cite(d.add_paragraph("1.3 Agencies wrote management reviews."), "footnote", 3)
    d.add_heading("2. Terms of Reference", 1)
    _cite(d.add_paragraph("2.1 The period reviewed began in 2019."), "footnote", 7)  # cited again: no copy
    path = save(d, tmp_path)
    _with_notes_part(path, "word/footnotes.xml", "footnote", {3: "Reports by each agency.", 7: "In force 2011."})
    doc = extract(path)
    assert texts(doc) == [
        "1. Introduction",
        "1.1 The review was commissioned under section 9 of the Act.",
        "1.2 The panel met six times.",
        "1.3 Agencies wrote management reviews.",
        "1 In force 2011.",  # numbered in order of first reference, not by Word's internal id
        "2 Reports by each agency.",
        "2. Terms of Reference",
        "2.1 The period reviewed began in 2019.",
    ]
    assert [b.role for b in doc.blocks].count("footnote") == 2


def test_endnotes_come_after_the_text_numbered_i_ii_iii_as_word_prints_them(tmp_path):
    d = docx.Document()
    d.add_heading("Findings", 1)
    _cite(d.add_paragraph("Agencies did not share what they knew."), "endnote", 1)
    _cite(d.add_paragraph("The GP did not ask about abuse."), "endnote", 2)
    path = save(d, tmp_path)
    _with_notes_part(path, "word/endnotes.xml", "endnote", {1: "See the chronology.", 2: "NICE PH50."})
    doc = extract(path)
    assert texts(doc)[-2:] == ["i See the chronology.", "ii NICE PH50."]
    assert {b.role for b in doc.blocks[-2:]} == {"footnote"}


def test_a_damaged_notes_part_loses_the_notes_not_the_document(tmp_path):
    d = docx.Document()
    _cite(d.add_paragraph("The panel met six times."), "footnote", 1)
    path = save(d, tmp_path)
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("word/footnotes.xml", "<w:footnotes><unclosed>")
    assert texts(extract(path)) == ["The panel met six times."]


def _report_with_cover(cover_lines: list[str], body_paragraphs: int = 8):
    d = docx.Document()
    for line in cover_lines:
        d.add_paragraph(line)
    d.add_page_break()
    d.add_heading("1. Introduction", 1)
    for i in range(1, body_paragraphs + 1):
        d.add_paragraph(f"1.{i} The panel considered the contact agencies had with the family in year {i}.")
    return d


def test_a_short_opening_page_is_the_cover_kept_for_metadata_not_for_passages(tmp_path):
    cover = ["Safer Eastmoor Partnership", "Domestic Homicide Review", "Overview Report into the death of Mr B",
             "Date: 2 November 2023"]
    doc = extract(save(_report_with_cover(cover), tmp_path))
    assert [b.text for b in doc.blocks if b.role == "cover"] == cover
    assert doc.blocks[len(cover)] == Block("1. Introduction", heading_level=1)


def test_an_opening_page_of_running_text_is_not_a_cover(tmp_path):
    summary = ("This summary sets out what the review found about the contact that agencies had with the "
               "family over the three years before the death, and what each of them will change as a result "
               "of the review's recommendations. It draws on the management reviews of seven agencies, on the "
               "chronology they compiled and on what the family told the panel.")
    doc = extract(save(_report_with_cover(["Executive summary", summary]), tmp_path))
    assert not any(b.role == "cover" for b in doc.blocks)


def test_a_short_document_has_no_cover(tmp_path):
    doc = extract(save(_report_with_cover(["Briefing note", "March 2024"], body_paragraphs=2), tmp_path))
    assert not any(b.role == "cover" for b in doc.blocks)


def _direct(document, text: str, bold: bool = False, size: float | None = None):
    """A paragraph formatted by hand (no Heading style), as many council Word files are."""
    run = document.add_paragraph().add_run(text)
    run.bold = bold
    if size:
        run.font.size = docx.shared.Pt(size)
    return run


def test_short_lines_in_bold_or_larger_print_are_headings_as_in_a_pdf(tmp_path):
    d = docx.Document()
    _direct(d, "What is this advice for?", bold=True)
    d.add_paragraph("The purpose of this advice is to help practitioners share information safely and early.")
    _direct(d, "Working with families", size=16)
    d.add_paragraph("Practitioners should speak to the family before sharing, unless that would put anyone at risk.")
    _direct(d, "Total 586.1 621.6", bold=True)  # a bold totals line is no heading
    _direct(d, "This sentence is bold for emphasis.", bold=True)  # nor is a bold sentence
    levels = {b.text: b.type_level for b in extract(save(d, tmp_path)).blocks}
    assert levels == {
        "What is this advice for?": 2,
        "The purpose of this advice is to help practitioners share information safely and early.": 0,
        "Working with families": 1,
        "Practitioners should speak to the family before sharing, unless that would put anyone at risk.": 0,
        "Total 586.1 621.6": 0,
        "This sentence is bold for emphasis.": 0,
    }


def test_a_bold_label_in_a_table_cell_is_not_a_heading(tmp_path):
    d = docx.Document()
    cell = d.add_table(rows=1, cols=1).cell(0, 0)
    cell.paragraphs[0].add_run("Lead agency").bold = True
    d.add_paragraph("The police will lead the work.")
    assert all(b.type_level == 0 for b in extract(save(d, tmp_path)).blocks)


def test_a_bulleted_item_is_marked_as_one_and_is_no_heading(tmp_path):
    # D2I's diagnostic template: the last item of a bulleted list, "Data analysis", opened an "analysis" section
    from ingest.structure import find_structure

    d = docx.Document()
    d.add_paragraph("A reasonable functional categorisation might include:")
    d.add_paragraph("Corporate performance and policy", style="List Bullet")
    d.add_paragraph("Data analysis", style="List Bullet")
    d.add_paragraph("First numbered point.", style="List Number")
    d.add_paragraph("The mapping is only one stage of the diagnostic, but it is an important one.")
    doc = extract(save(d, tmp_path))
    assert [b.list_item for b in doc.blocks] == [False, True, True, False, False]
    units = find_structure(doc.blocks)
    assert [u.text for u in units][2] == "Data analysis"
    assert {u.heading for u in units} == {None}
