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
