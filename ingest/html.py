"""HTML pages (.html, .htm) to blocks: the main content of a council page, without its chrome.

Steps:

1. Decode: byte-order mark, else the declared charset (``<meta charset>``, ``http-equiv``
   Content-Type, XML declaration; ISO-8859-1/ASCII are read as cp1252 like browsers do), else
   UTF-8, else cp1252.
2. Parse with lxml through BeautifulSoup, drop comments and non-content elements (script, style,
   noscript, template, svg, iframe, form controls, images), hidden elements (``hidden``,
   ``aria-hidden="true"``, ``display:none``/``visibility:hidden``, ``sr-only``-style classes) --
   except a hidden element holding at least 200 characters of paragraph text with few links and no
   boilerplate name: that is a collapsed accordion/tab panel (common for minutes), or a page saved
   while a modal had set ``aria-hidden`` on the content.
3. Pick the content root: the first of ``#modgov``, ``#mgContent``, ``.mgContent``, ``main``,
   ``[role=main]``, ``article``, ``#content``/``#main-content``… that holds text; else ``<body>``.
4. Inside the root drop boilerplate: nav/header/footer/aside elements, ARIA landmark roles
   (navigation, banner, contentinfo, search, complementary), small forms, and elements whose
   id/class names cookie, consent, banner, breadcrumb, nav, menu, skip, search, footer, header,
   sidebar, share, social… (such an element is kept when it holds an ``<h1>`` or the bulk of the
   page's prose and few links -- a wrapper called "content-with-sidebar" is not boilerplate).
5. Walk the tree: every block-level element (p, li, h1-h6, dt, dd, blockquote, div…) ends the
   current block; ``<br><br>`` ends a block, a single ``<br>`` is a space.  h1-h6 give
   ``heading_level``.  A table row whose cells hold only inline content becomes one block with
   cells joined by `` | ``; cells that hold paragraphs (modern.gov lays minutes out in tables) are
   walked as containers.  Items of an ``<ol>`` are prefixed with their printed number ("3. ").
6. title_hint: the first ``<h1>``; when that is generic ("Agenda and minutes", "Issue - meetings"),
   the modern.gov sub-title (``.mgSubTitleTxt``) or first ``<h2>``; else ``<title>``.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from bs4.element import CData, Declaration, Doctype, ProcessingInstruction

from ingest.blocks import Block, Extracted
from ingest.numbering import html_letters, roman
from ingest.text import describe_content, normalise_newlines, normalise_space, read_bytes
from kb.errors import CorruptFileError, NoTextError

MAX_HTML_BYTES = 20 * 1024 * 1024
"""HTML files above this size are refused (FileTooLargeError)."""

# --------------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------------

_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_XML_ENC_RE = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_BROWSER_ALIASES = {"iso8859-1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252", "iso8859-9": "cp1254"}


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first 4 KB, as a Python codec name, or None."""
    head = data[:4096]
    m = _XML_ENC_RE.search(head) or _META_CHARSET_RE.search(head)
    if not m:
        return None
    try:
        name = codecs.lookup(m.group(1).decode("ascii", "ignore")).name
    except LookupError:
        return None
    return _BROWSER_ALIASES.get(name, name)


def decode_html(data: bytes) -> tuple[str, str]:
    """Decode HTML bytes: BOM, declared charset, UTF-8, cp1252. Returns (text, encoding used)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace"), "utf-16"
    candidates = []
    declared = declared_charset(data)
    if declared and not declared.startswith("utf-16"):
        candidates.append(declared)
    candidates += ["utf-8", "cp1252"]
    for enc in candidates:
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("cp1252", "replace"), "cp1252"


# --------------------------------------------------------------------------------------------
# Cleaning
# --------------------------------------------------------------------------------------------

_DROP_TAGS = (
    "script style noscript template svg math canvas iframe frame frameset object embed applet "
    "audio video source track map area img picture input button select option optgroup textarea "
    "datalist output meter progress dialog head link meta base title"
).split()
_LANDMARK_TAGS = {"nav", "header", "footer", "aside", "menu"}
_BOILERPLATE_ROLES = {
    "navigation",
    "banner",
    "contentinfo",
    "search",
    "complementary",
    "menu",
    "menubar",
    "toolbar",
    "dialog",
    "alertdialog",
}
_HIDDEN_CLASSES = {
    "hidden",
    "hide",
    "d-none",
    "sr-only",
    "visually-hidden",
    "visuallyhidden",
    "screen-reader-text",
    "screenreader",
    "govuk-visually-hidden",
    "element-invisible",
    "offscreen",
}
# id/class tokens (split on -, _, spaces and camelCase) that mark page chrome
_BOILERPLATE_TOKENS = {
    "nav",
    "navbar",
    "navigation",
    "menu",
    "menubar",
    "submenu",
    "megamenu",
    "cookie",
    "cookies",
    "consent",
    "banner",
    "breadcrumb",
    "breadcrumbs",
    "crumbs",
    "skip",
    "skiplink",
    "skiplinks",
    "search",
    "searchbox",
    "searchbar",
    "footer",
    "header",
    "masthead",
    "sidebar",
    "share",
    "sharing",
    "social",
    "gdpr",
    "toolbar",
    "pagination",
    "pager",
    "advert",
    "advertisement",
    "ads",
    "promo",
    "feedback",
    "newsletter",
    "subscribe",
    "related",
    "translate",
    "accessibility",
    "backtotop",
    "popup",
    "modal",
    "overlay",
    "toc",
}
# distinctive words matched anywhere in an id/class string (camel case or not)
_BOILERPLATE_SUBSTRINGS = (
    "cookie",
    "consent",
    "breadcrumb",
    "navigation",
    "navbar",
    "skiplink",
    "skip-link",
    "skiptocontent",
    "skip-to",
    "sidebar",
    "gdpr",
    "megamenu",
    "backtotop",
    "back-to-top",
)
_MAIN_SELECTORS = (
    "#modgov",
    "#mgContent",
    ".mgContent",
    "main",
    "[role=main]",
    "article",
    "#main-content",
    "#maincontent",
    "#content",
    ".main-content",
    ".content-main",
    "#main",
)
_GENERIC_TITLES = {
    "agenda and minutes",
    "issue - meetings",
    "agenda item",
    "minutes",
    "agenda",
    "home",
    "decision details",
    "meeting details",
    "document",
    "untitled",
    "index",
    "items",
}


def _tokens(value: str) -> list[str]:
    value = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", value)
    return [t for t in re.split(r"[\s\-_:.]+", value.lower()) if t]


def _names(tag: Tag) -> str:
    cls = tag.get("class") or []
    if isinstance(cls, str):
        cls = [cls]
    return " ".join([str(tag.get("id") or "")] + [str(c) for c in cls])


def _is_hidden(tag: Tag) -> bool:
    if tag.attrs is None:
        return False
    if tag.has_attr("hidden") or str(tag.get("aria-hidden", "")).lower() == "true":
        return True
    if str(tag.get("type", "")).lower() == "hidden":
        return True
    style = str(tag.get("style", "")).replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    cls = tag.get("class") or []
    if isinstance(cls, str):
        cls = cls.split()
    return any(str(c).lower() in _HIDDEN_CLASSES for c in cls)


# tokens that also name content wrappers ("section-header" around an <h2>): weaker evidence
_WEAK_TOKENS = {
    "header",
    "banner",
    "masthead",
    "related",
    "promo",
    "feedback",
    "toc",
    "popup",
    "modal",
    "overlay",
}


def _holds_hidden_prose(tag: Tag) -> bool:
    """A hidden element that still holds real prose (>= 200 characters in paragraphs, few links)."""
    if _names_boilerplate(tag) or str(tag.get("role", "")).lower() in _BOILERPLATE_ROLES:
        return False
    prose = sum(_text_len(p) for p in tag.find_all(["p", "li", "td"]))
    return prose >= 200 and _link_density(tag) < 0.3


def _names_boilerplate(tag: Tag) -> str | None:
    """'strong' / 'weak' when the element's id/class names page chrome, else None."""
    names = _names(tag)
    if not names.strip():
        return None
    low = names.lower()
    if any(s in low for s in _BOILERPLATE_SUBSTRINGS):
        return "strong"
    hits = {t for t in _tokens(names) if t in _BOILERPLATE_TOKENS}
    if not hits:
        return None
    return "weak" if hits <= _WEAK_TOKENS else "strong"


def _text_len(tag: Tag) -> int:
    return len(normalise_space(tag.get_text(" ")))


def _link_density(tag: Tag) -> float:
    total = _text_len(tag)
    if not total:
        return 1.0
    links = sum(_text_len(a) for a in tag.find_all("a"))
    return links / total


def _choose_root(soup: BeautifulSoup) -> Tag:
    for sel in _MAIN_SELECTORS:
        for el in soup.select(sel):
            if _text_len(el) > 0:
                return el
    return soup.body or soup


def _clean(soup: BeautifulSoup) -> Tag:
    for node in soup.find_all(
        string=lambda s: isinstance(s, (Comment, CData, ProcessingInstruction, Declaration, Doctype))
    ):
        node.extract()
    for tag in soup.find_all(_DROP_TAGS):
        if not tag.decomposed:
            tag.decompose()
    for tag in soup.find_all(_is_hidden):
        if tag.decomposed or tag.name in ("html", "body"):
            continue
        if _holds_hidden_prose(tag):
            continue  # a collapsed accordion/tab panel of minutes: content, only hidden until clicked
        tag.decompose()

    root = _choose_root(soup)
    total = max(_text_len(root), 1)

    def drop(tag: Tag) -> bool:
        if tag.name in _LANDMARK_TAGS:
            # a <header> inside an article/main that carries the page title is content
            if tag.name == "header" and tag.find("h1") is not None and tag.find_parent(["article", "main"]):
                return False
            return True
        if str(tag.get("role", "")).lower() in _BOILERPLATE_ROLES:
            return True
        if tag.name == "form":
            # ASP.NET sites (modern.gov among them) wrap whole pages in a <form>: keep one with prose
            prose = sum(_text_len(p) for p in tag.find_all(["p", "h1", "h2", "h3", "td", "li"]))
            return prose <= 200
        strength = _names_boilerplate(tag)
        if strength:
            density = _link_density(tag)
            heading = tag.find("h1" if strength == "strong" else list(_HEADINGS)) is not None
            if heading and density < 0.5:
                return False
            return _text_len(tag) < 0.4 * total or density > 0.5
        return False

    # top-down inside the root: decide for an element before its children, drop whole subtrees
    stack = [root]
    to_remove: list[Tag] = []
    while stack:
        el = stack.pop()
        for child in el.children:
            if not isinstance(child, Tag):
                continue
            if drop(child):
                to_remove.append(child)
            else:
                stack.append(child)
    for tag in to_remove:
        tag.decompose()
    return root


# --------------------------------------------------------------------------------------------
# Walking
# --------------------------------------------------------------------------------------------

_BLOCK_TAGS = {
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "html",
    "legend",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_STRUCTURAL_IN_CELL = {
    "p",
    "div",
    "ul",
    "ol",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "dl",
    "pre",
    "br",
}


def _ol_marker(n: int, kind: str) -> str:
    if kind == "a":
        return html_letters(n)
    if kind == "A":
        return html_letters(n).upper()
    if kind == "i":
        return roman(n)
    if kind == "I":
        return roman(n).upper()
    return str(n)


def _int_attr(tag: Tag, name: str, default: int) -> int:
    try:
        return int(str(tag.get(name)).strip())
    except (TypeError, ValueError):
        return default


class _Walker:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.buf: list[str] = []
        self.level = 0
        self.pending_br = 0

    def flush(self) -> None:
        text = normalise_space("".join(self.buf))
        if text:
            self.blocks.append(Block(text=text, page=None, heading_level=self.level))
        self.buf = []
        self.pending_br = 0

    def text(self, s: str) -> None:
        if not s:
            return
        if s.strip():
            self.pending_br = 0
        self.buf.append(s)

    def walk(self, node: Tag) -> None:
        for child in list(node.children):
            if isinstance(child, NavigableString):
                if isinstance(child, (Comment, CData, ProcessingInstruction, Declaration, Doctype)):
                    continue
                self.text(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            self.element(child)

    def element(self, el: Tag) -> None:
        name = el.name
        if name == "br":
            self.pending_br += 1
            if self.pending_br >= 2:
                self.flush()
            else:
                self.buf.append(" ")
            return
        if name == "hr":
            self.flush()
            return
        if name in _HEADINGS:
            self.flush()
            self.level = _HEADINGS[name]
            self.walk(el)
            self.flush()
            self.level = 0
            return
        if name == "table":
            self.flush()
            self.table(el)
            return
        if name in ("ol", "ul"):
            self.flush()
            self.list(el)
            return
        if name == "pre":
            self.flush()
            for para in re.split(r"\n\s*\n", normalise_newlines(el.get_text())):
                if normalise_space(para):
                    self.blocks.append(Block(text=normalise_space(para)))
            return
        if name in _BLOCK_TAGS:
            self.flush()
            self.walk(el)
            self.flush()
            return
        self.walk(el)  # inline element

    def list(self, el: Tag) -> None:
        ordered = el.name == "ol"
        style = str(el.get("style", "")).replace(" ", "").lower()
        numbered = ordered and "list-style:none" not in style and "list-style-type:none" not in style
        kind = str(el.get("type", "1"))
        n = _int_attr(el, "start", 1) - 1
        if ordered and el.has_attr("reversed"):
            numbered = False  # rare; do not invent numbers we might get wrong
        for child in el.children:
            if isinstance(child, NavigableString):
                if str(child).strip():
                    self.text(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            if child.name != "li":
                self.element(child)
                continue
            n = _int_attr(child, "value", n + 1)
            self.flush()
            if numbered:
                first = normalise_space(child.get_text(" "))[:12]
                if not re.match(r"^\(?[0-9a-zA-Z]{1,6}[.)]", first):
                    self.buf.append(f"{_ol_marker(n, kind)}. ")
            self.walk(child)
            self.flush()

    def table(self, el: Tag) -> None:
        for child in el.find_all("caption"):
            if child.find_parent("table") is el:
                self.walk(child)
                self.flush()
        for row in el.find_all("tr"):
            if row.find_parent("table") is not el:
                continue  # rows of a nested table are handled when their cell is walked
            cells = row.find_all(["td", "th"], recursive=False)
            if any(c.find(_STRUCTURAL_IN_CELL) is not None for c in cells):
                # a layout table (modern.gov minutes): each cell is a container of blocks
                for cell in cells:
                    self.flush()
                    self.walk(cell)
                    self.flush()
                continue
            texts = [normalise_space(c.get_text(" ")) for c in cells]
            row_text = " | ".join(t for t in texts if t)
            if row_text:
                self.flush()
                self.blocks.append(Block(text=row_text))


def blocks_from_html(html: str) -> Extracted:
    """Extract the main content of an HTML document given as text. Never raises on any ``str``."""
    soup = BeautifulSoup(html, "lxml")
    title_tag = soup.find("title")
    page_title = normalise_space(title_tag.get_text(" ")) if title_tag else ""
    root = _clean(soup)
    walker = _Walker()
    try:
        if root.name in (None, "[document]"):
            walker.walk(root)
        else:
            walker.element(root)
        walker.flush()
        blocks = walker.blocks
    except RecursionError:
        # absurdly deep markup: fall back to the text with one block per line
        from ingest.text import blocks_from_text

        blocks = blocks_from_text(root.get_text("\n\n"), markdown=False)

    h1 = root.find("h1") or soup.find("h1")
    h1_text = normalise_space(h1.get_text(" ")) if h1 is not None else ""
    title_hint = None
    if h1_text and h1_text.lower() not in _GENERIC_TITLES:
        title_hint = h1_text
    else:
        # modern.gov pages carry a generic <h1> ("Agenda and minutes", "Issue - meetings") and the
        # real title in a sub-title (.mgSubTitleTxt) or the first <h2>
        sub = root.select_one(".mgSubTitleTxt") or root.find("h2")
        sub_text = normalise_space(sub.get_text(" ")) if sub is not None else ""
        if sub_text and sub_text.lower() not in _GENERIC_TITLES:
            title_hint = sub_text
        elif page_title:
            title_hint = page_title
        elif h1_text:
            title_hint = h1_text
    meta = {}
    if page_title:
        meta["html_title"] = page_title
    return Extracted(blocks=blocks, page_count=None, title_hint=title_hint, meta=meta)


def extract_html(path: Path) -> Extracted:
    """Extract an .html / .htm file."""
    path = Path(path)
    data = read_bytes(path, MAX_HTML_BYTES, "HTML")
    kind = describe_content(data[:4096])
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")) and kind not in ("text", "HTML", "XML"):
        raise CorruptFileError(path, f"not an HTML file (content looks like {kind})")
    text, encoding = decode_html(data)
    if not normalise_space(text):
        raise NoTextError(path, "empty file")
    result = blocks_from_html(text)
    if not result.blocks:
        raise NoTextError(path, "no text: nothing readable once scripts, navigation and banners are removed")
    result.meta["encoding"] = encoding
    return result
