"""HTML: main content only, block structure, tables, headings, decoding."""

from __future__ import annotations

import pytest

from ingest.blocks import Block
from ingest.extract import extract
from ingest.html import blocks_from_html, decode_html
from kb.errors import CorruptFileError, FileTooLargeError, NoTextError


def texts(html: str) -> list[str]:
    return [b.text for b in blocks_from_html(html).blocks]


MODERN_GOV = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Agenda for Safeguarding Overview and Scrutiny Committee on Tuesday 6th July 2021 -
  Example County Council</title>
<script>window.dataLayer = []; var secret = "script text";</script>
<style>.mgContent { color: red }</style></head>
<body><form id="aspnetForm" method="post" action="./ieListDocuments.aspx">
<input type="hidden" name="__VIEWSTATE" value="abc">
<div id="ccc-cookie-banner" class="cookie-notice"><p>We use cookies to make this site work.</p>
  <button>Accept all cookies</button></div>
<a class="skip-link" href="#content">Skip to main content</a>
<header class="site-header"><a href="/">Example County Council</a>
  <nav id="main-nav"><ul><li><a href="/">Home</a></li>
    <li><a href="/council">Council and democracy</a></li></ul></nav>
  <div class="search-box"><label>Search this site</label><input type="text"></div>
</header>
<div class="breadcrumb"><a href="/">Home</a> &gt; <a href="/meetings">Meetings</a> &gt; Agenda</div>
<div id="modgov">
  <div class="mgHeadingsHolder"><h1 class="mgMainTitleTxt">Agenda and minutes</h1></div>
  <p class="mgSubTitleTxt">Safeguarding Overview and Scrutiny Committee - Tuesday 6th July 2021 10:00am</p>
  <p>Venue: Council Chamber, County Buildings<br>Stafford<br><br>Contact: Helen Example</p>
  <div class="mgLinks"><ul><li><a href="x.pdf">Agenda frontsheet</a></li>
    <li><a href="y.pdf">Printed minutes</a></li></ul></div>
  <div class="mgContent">
    <table class="mgItemTable" summary="Items">
      <tr><th>No.</th><th>Item</th></tr>
      <tr><td class="mgItemNumberCell"><p class="mgAiTitleTxt">17.</p></td>
        <td><p class="mgAiTitleTxt"><a href="i17">Domestic Abuse</a>
              <img src="pdf.gif" alt="pdf icon"> PDF 246 KB</p>
            <p>Report of the Cabinet Member for Community and Culture</p>
            <div class="mgWordPara">
              <p>Members heard that the overall annual contract value was &pound;2,157,000
                 with the County Council
                 annual contribution being &pound;670,490.</p>
              <p>Referrals&nbsp;were   monitored on a quarterly basis.</p>
            </div></td></tr>
    </table>
  </div>
</div>
<aside class="related"><h2>Related pages</h2><a href="/a">Other meetings</a></aside>
<footer><p>&copy; Example County Council</p><a href="/privacy">Privacy</a></footer>
</form></body></html>"""


def test_modern_gov_page_keeps_the_minutes_and_drops_the_chrome():
    doc = blocks_from_html(MODERN_GOV)
    assert [b.text for b in doc.blocks] == [
        "Agenda and minutes",
        "Safeguarding Overview and Scrutiny Committee - Tuesday 6th July 2021 10:00am",
        "Venue: Council Chamber, County Buildings Stafford",
        "Contact: Helen Example",
        "Agenda frontsheet",
        "Printed minutes",
        "No. | Item",
        "17.",
        "Domestic Abuse PDF 246 KB",
        "Report of the Cabinet Member for Community and Culture",
        "Members heard that the overall annual contract value was £2,157,000 with the County Council "
        "annual contribution being £670,490.",
        "Referrals were monitored on a quarterly basis.",
    ]
    assert doc.blocks[0].heading_level == 1
    # a generic <h1> ("Agenda and minutes") gives way to the modern.gov sub-title
    assert doc.title_hint == "Safeguarding Overview and Scrutiny Committee - Tuesday 6th July 2021 10:00am"
    assert doc.meta["html_title"].startswith("Agenda for Safeguarding Overview and Scrutiny Committee")


def test_modern_gov_file_through_extract(tmp_path):
    path = tmp_path / "meeting.htm"
    path.write_text(MODERN_GOV, encoding="utf-8")
    doc = extract(path)
    joined = doc.text
    for chrome in (
        "cookies",
        "Skip to main content",
        "Council and democracy",
        "Search this site",
        "Privacy",
        "Related pages",
        "script text",
        "color: red",
        "Meetings",
    ):
        assert chrome not in joined, chrome
    assert doc.page_count is None
    assert all(b.page is None for b in doc.blocks)


def test_headings_and_title_from_h1():
    html = (
        "<html><head><title>Site - Page</title></head><body><main><h1>DHR Adult A</h1><h2>Findings</h2>"
        "<p>Text.</p><h6>Small</h6></main></body></html>"
    )
    doc = blocks_from_html(html)
    assert doc.blocks == [
        Block("DHR Adult A", heading_level=1),
        Block("Findings", heading_level=2),
        Block("Text."),
        Block("Small", heading_level=6),
    ]
    assert doc.title_hint == "DHR Adult A"
    assert doc.meta["html_title"] == "Site - Page"


def test_generic_h1_without_subtitle_falls_back_to_title_tag():
    html = "<title>Agenda for Cabinet on 8 February 2023</title><h1>Agenda item</h1><p>Body.</p>"
    assert blocks_from_html(html).title_hint == "Agenda for Cabinet on 8 February 2023"


def test_title_from_title_tag_when_there_is_no_h1():
    assert blocks_from_html("<title> Minutes  17 June </title><p>Body.</p>").title_hint == "Minutes 17 June"


def test_main_element_is_preferred():
    html = (
        "<body><div class='promo'>Sign up to our newsletter today</div><main><p>The minutes.</p></main>"
        "<div>Stray text outside main</div></body>"
    )
    assert texts(html) == ["The minutes."]


def test_br_pairs_split_blocks_and_single_br_is_a_space():
    html = "<div>First line<br>same block<br><br>New block<br/> <br/>Third block</div>"
    assert texts(html) == ["First line same block", "New block", "Third block"]


def test_inline_elements_do_not_split_blocks():
    assert texts("<p>The <b>GP</b> saw <a href='#'>Adult&nbsp;A</a> on <em>three</em> occasions.</p>") == [
        "The GP saw Adult A on three occasions."
    ]


def test_lists_definition_lists_and_ordered_numbers():
    html = """<body><ul><li>First bullet</li><li>Second <ul><li>Nested</li></ul></li></ul>
    <ol start="3"><li>Third item</li><li>Fourth item</li></ol>
    <ol type="a"><li>Alpha</li><li>Beta</li></ol>
    <ol><li>4.2.1 Already numbered</li></ol>
    <dl><dt>MARAC</dt><dd>Multi-Agency Risk Assessment Conference</dd></dl></body>"""
    assert texts(html) == [
        "First bullet",
        "Second",
        "Nested",
        "3. Third item",
        "4. Fourth item",
        "a. Alpha",
        "b. Beta",
        "4.2.1 Already numbered",
        "MARAC",
        "Multi-Agency Risk Assessment Conference",
    ]


def test_data_table_rows_join_cells():
    html = """<table><caption>Referrals</caption>
    <tr><th></th><th>Pan-Staffordshire</th><th>Staffordshire</th></tr>
    <tr><td>Victim service</td><td>21,884</td><td>13,678</td></tr>
    <tr><td> </td><td></td></tr></table>"""
    assert texts(html) == [
        "Referrals",
        "Pan-Staffordshire | Staffordshire",
        "Victim service | 21,884 | 13,678",
    ]


def test_layout_table_cells_with_paragraphs_are_not_flattened():
    html = "<table><tr><td><p>16.</p></td><td><p>Minutes</p><p>RESOLVED: agreed.</p></td></tr></table>"
    assert texts(html) == ["16.", "Minutes", "RESOLVED: agreed."]


def test_hidden_elements_are_dropped():
    html = """<body><p>Visible.</p><p style="display: none">Hidden by style.</p><p hidden>Hidden attr.</p>
    <div aria-hidden="true">Aria hidden.</div><span class="visually-hidden">(opens in new window)</span>
    <p style="visibility:hidden">Invisible.</p><template><p>Template.</p></template></body>"""
    assert texts(html) == ["Visible."]


def test_collapsed_accordion_panel_with_minutes_is_kept():
    minutes = "The Committee considered the report on domestic abuse services and asked questions. " * 4
    html = (
        "<main><button aria-expanded='false'>Item 17 Domestic Abuse</button>"
        f"<div class='accordion-panel' style='display:none'><p>{minutes}</p></div>"
        "<div hidden><p>Short hidden note.</p></div></main>"
    )
    assert texts(html) == [minutes.strip()]


def test_section_header_wrapper_with_heading_is_content():
    html = "<main><div class='section-header'><h2>Background</h2></div><p>Body text.</p></main>"
    assert texts(html) == ["Background", "Body text."]


def test_wrapper_named_sidebar_holding_the_prose_is_kept():
    prose = "<p>" + "The panel considered the chronology in detail. " * 10 + "</p>"
    html = (
        f"<body><div class='content-with-sidebar'>{prose}{prose}</div>"
        "<div class='sidebar'><a>Link</a></div></body>"
    )
    assert len(texts(html)) == 2


def test_page_of_only_scripts_and_navigation_has_no_blocks(tmp_path):
    html = """<html><head><script>var a = 1;</script></head><body>
    <nav><a href="/">Home</a><a href="/x">Services</a></nav><noscript>Enable JavaScript</noscript>
    <div id="cookie-consent">We use cookies</div><footer>Footer text</footer></body></html>"""
    assert blocks_from_html(html).blocks == []
    path = tmp_path / "nav.html"
    path.write_text(html)
    with pytest.raises(NoTextError) as err:
        extract(path)
    assert err.value.reason.startswith("no text")


def test_declared_cp1252_charset():
    data = (
        b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"></head>'
        b"<body><p>Cost \xa3670,490 \x96 agreed</p></body></html>"
    )
    text, enc = decode_html(data)
    assert enc == "cp1252"
    assert "Cost £670,490 – agreed" in text


def test_iso_8859_1_is_read_as_cp1252_like_browsers():
    data = b'<meta charset="iso-8859-1"><p>It\x92s \xa35</p>'
    assert decode_html(data)[0].endswith("<p>It’s £5</p>")


def test_undeclared_non_utf8_falls_back_to_cp1252(tmp_path):
    path = tmp_path / "old.html"
    path.write_bytes(b"<p>Total \xa3194,000 pa</p>")
    assert [b.text for b in extract(path).blocks] == ["Total £194,000 pa"]


def test_declared_utf8_and_wrong_declaration(tmp_path):
    path = tmp_path / "u.html"
    path.write_bytes('<meta charset="utf-8"><p>Women’s Aid £5</p>'.encode())
    assert extract(path).blocks[0].text == "Women’s Aid £5"
    wrong = tmp_path / "w.html"
    wrong.write_bytes(b'<meta charset="utf-8"><p>\xa35</p>')  # declared utf-8 but is cp1252
    assert extract(wrong).blocks[0].text == "£5"


def test_comments_and_cdata_are_ignored():
    assert texts("<p>Kept<!-- a comment --> text</p><![CDATA[ raw ]]>") == ["Kept text"]


def test_zero_byte_html_is_empty(tmp_path):
    path = tmp_path / "e.html"
    path.write_bytes(b"")
    with pytest.raises(NoTextError) as err:
        extract(path)
    assert err.value.reason == "empty file"


def test_pdf_named_html_is_refused(tmp_path):
    path = tmp_path / "x.htm"
    path.write_bytes(b"%PDF-1.4\n...")
    with pytest.raises(CorruptFileError) as err:
        extract(path)
    assert err.value.reason == "not an HTML file (content looks like a PDF)"


def test_html_size_limit(tmp_path, monkeypatch):
    import ingest.html

    path = tmp_path / "big.html"
    path.write_text("<p>" + "x" * 5000 + "</p>")
    monkeypatch.setattr(ingest.html, "MAX_HTML_BYTES", 1000)
    with pytest.raises(FileTooLargeError):
        extract(path)
