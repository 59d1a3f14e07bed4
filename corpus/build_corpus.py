#!/usr/bin/env python3
"""Build the fictional sample corpus (PDF and Word documents) and corpus/labels.json.

Every document produced here is FICTIONAL: invented places, councils, agencies and people.

Usage (from the repository root):

    .venv/bin/python corpus/build_corpus.py

Inputs:  corpus/build-src/*.report      -- one report per file: a JSON header, a line "===", then the body
         corpus/build-src/committee_labels.json -- hand-written labels for the HTML/TXT committee papers
Outputs: corpus/dhr/*.pdf, corpus/dhr/*.docx, corpus/labels.json

The build is deterministic: fixed creation dates, fixed zip timestamps, no randomness, so two runs
give byte-identical files.

Body markup (one block per blank-line separated chunk):
    # 1. Introduction           level-1 heading (printed exactly as written after "# ")
    ## 4.1 Risk assessment      level-2 heading
    1.1 Text ...                numbered paragraph (first token like 1.1 / 4.2.1), hanging indent
    - item                      bullet list (one item per line starting "- ")
    | a | b | c |               table (first row is the header row)
    @rec NUMBER | AGENCY | SCOPE   marks the NEXT block as a recommendation (AGENCY "-" = none)
    **bold** spans              inline bold
    multi-agen~cy               "~" is a permitted hyphenation point; it is removed from the text
                                unless the word is split there at the end of a line
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF

HERE = Path(__file__).resolve().parent
SRC = HERE / "build-src"

# ----------------------------------------------------------------------------------------------
# text helpers

_TYPO = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u2022": "\u00b7",
    "\u00a0": " ",
}


def latin1safe(s: str) -> str:
    for k, v in _TYPO.items():
        s = s.replace(k, v)
    s.encode("latin-1")  # raises if anything slipped through
    return s


def plain(s: str) -> str:
    """Text as printed when no hyphenation happens: markup removed."""
    return s.replace("**", "").replace("~", "")


def strip_rec_label(rest: str) -> str:
    """What follows a printed recommendation number: drop '(Agency):', ':', '.', '-' separators."""
    return re.sub(r"^\s*(\([^)]*\))?\s*[:.\-]?\s*", "", rest).strip()


def parse_source(path: Path) -> tuple[dict, list[dict]]:
    raw = path.read_text(encoding="utf-8")
    head, body = raw.split("\n===\n", 1)
    meta = json.loads(head)
    blocks: list[dict] = []
    pending_rec = None
    for chunk in re.split(r"\n\s*\n", body.strip()):
        lines = [ln.rstrip() for ln in chunk.strip().split("\n")]
        if lines and lines[0].startswith("@rec "):
            num, agency, scope = [p.strip() for p in lines[0][5:].split("|")]
            pending_rec = {"number": num, "agency": None if agency == "-" else agency, "scope": scope}
            lines = lines[1:]
            if not lines:
                continue
        text = " ".join(lines)
        if lines[0].startswith("## "):
            blk = {"kind": "h2", "text": latin1safe(text[3:].strip())}
        elif lines[0].startswith("# "):
            blk = {"kind": "h1", "text": latin1safe(text[2:].strip())}
        elif lines[0].startswith("- "):
            items: list[str] = []
            for ln in lines:
                if ln.startswith("- "):
                    items.append(ln[2:].strip())
                else:  # continuation of the previous item
                    items[-1] += " " + ln.strip()
            blk = {"kind": "bullets", "items": [latin1safe(i) for i in items]}
        elif lines[0].startswith("|"):
            rows = [[latin1safe(c.strip()) for c in ln.strip().strip("|").split("|")] for ln in lines]
            blk = {"kind": "table", "rows": rows}
        else:
            m = re.match(r"^(\d+(?:\.\d+)+)\s+(.*)$", text, re.S)
            if m:
                blk = {"kind": "npara", "num": m.group(1), "text": latin1safe(m.group(2))}
            else:
                blk = {"kind": "para", "text": latin1safe(text)}
        if pending_rec is not None:
            blk["rec"] = pending_rec
            pending_rec = None
        blocks.append(blk)
    return meta, blocks


# ----------------------------------------------------------------------------------------------
# PDF rendering

FONT = "Helvetica"
BODY_PT = 10.0
LINE_H = 5.0
PARA_GAP = 2.4
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 23.0, 23.0, 23.0, 20.0

# Hyphenation points for some long words. A dictionary break is only used when the line would
# otherwise be left less than HYPH_FILL full (so hyphenation stays occasional, as in real reports);
# breaks marked by hand with "~" in the source are always allowed.
HYPH_FILL = 0.93
HYPHENATION = {
    w.replace("~", ""): w
    for w in """
multi-agen~cy multi-agen~cy's infor~ma~tion rec~om~men~da~tions rec~om~men~da~tion as~sess~ment
as~sess~ments safe~guard~ing Con~stab~u~lary prac~ti~tion~ers pro~fes~sion~al pro~fes~sion~als
Part~ner~ship re~la~tion~ship con~sul~ta~tion or~gan~isa~tions spe~cial~ist sep~a~ra~tion
stran~gu~la~tion ac~com~mo~da~tion en~gage~ment man~age~ment sig~nif~i~cant op~por~tu~ni~ties
com~mis~sioned en~vi~ron~ment un~der~stand~ing Ser~vices ser~vices re~spon~si~bil~i~ty
in~ves~ti~ga~tion ap~pli~ca~tion dis~clo~sure ex~pe~ri~ence ex~pe~ri~enc~ing be~hav~iour
con~trol~ling de~pend~ent in~de~pend~ent In~de~pend~ent sup~port~ed ap~point~ments
""".split()
}

INDENT = 15.0


class ReportPDF(FPDF):
    def __init__(self, header_text: str, footer_style: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.header_text = header_text
        self.footer_style = footer_style
        self.set_margins(MARGIN_L, MARGIN_T, MARGIN_R)
        self.set_auto_page_break(True, margin=MARGIN_B)

    def header(self):
        self.set_font(FONT, "", 8)
        self.set_text_color(90, 90, 90)
        self.set_xy(MARGIN_L, 10)
        self.cell(self.w - MARGIN_L - MARGIN_R, 4, self.header_text, align="C")
        self.set_draw_color(150, 150, 150)
        self.line(MARGIN_L, 15.5, self.w - MARGIN_R, 15.5)
        self.set_text_color(0, 0, 0)
        self.set_xy(MARGIN_L, MARGIN_T)

    def footer(self):
        self.set_font(FONT, "", 9)
        self.set_text_color(60, 60, 60)
        self.set_xy(MARGIN_L, self.h - 13)
        txt = f"Page {self.page_no()} of {{nb}}"
        self.cell(self.w - MARGIN_L - MARGIN_R, 4, txt, align="C" if self.footer_style == "center" else "R")
        self.set_text_color(0, 0, 0)


@dataclass
class Layout:
    headings: list[dict] = field(default_factory=list)
    recs: list[dict] = field(default_factory=list)
    crossings: list[dict] = field(default_factory=list)
    hyphenations: list[dict] = field(default_factory=list)
    words: int = 0


def tokens_of(text: str, base_style: str = "") -> list[tuple[str, str]]:
    """Split text into (word, style) tokens, honouring **bold** spans."""
    out: list[tuple[str, str]] = []
    parts = text.split("**")
    for i, part in enumerate(parts):
        style = "B" if i % 2 == 1 else base_style
        for w in part.split():
            out.append((w, style))
    return out


class Renderer:
    def __init__(self, meta: dict, blocks: list[dict], toc_pages: dict[str, int] | None):
        self.meta = meta
        self.blocks = blocks
        self.toc_pages = toc_pages
        self.pdf = ReportPDF(meta["header"], meta.get("footer_style", "center"))
        self.layout = Layout()
        self.bottom = self.pdf.h - MARGIN_B

    # -- primitives
    def style(self, st: str, size: float = BODY_PT):
        self.pdf.set_font(FONT, st, size)

    def width(self, word: str, st: str, size: float) -> float:
        self.style(st, size)
        return self.pdf.get_string_width(word)

    def wrap(self, toks, avail: float, size: float, owner: str):
        """Greedy line breaking with optional hyphenation at '~'. Returns list of lines; each line is
        a list of (text, style)."""
        lines: list[list[tuple[str, str]]] = []
        cur: list[tuple[str, str]] = []
        cur_w = 0.0
        queue = list(toks)
        while queue:
            word, st = queue.pop(0)
            shown = word.replace("~", "")
            space = self.width(" ", st, size) if cur else 0.0
            w = self.width(shown, st, size)
            if cur_w + space + w <= avail:
                cur.append((shown, st))
                cur_w += space + w
                continue
            # try hyphenation: hand-marked points always, dictionary points on short lines only
            if "~" not in word and cur and cur_w < HYPH_FILL * avail:
                core = word.rstrip(".,;:)'\"")
                if core in HYPHENATION:
                    word = HYPHENATION[core] + word[len(core) :]
            if "~" in word and cur:
                pts = [m.start() for m in re.finditer("~", word)]
                done = False
                for p in reversed(pts):
                    head = word[:p].replace("~", "") + "-"
                    if cur_w + space + self.width(head, st, size) <= avail:
                        tail = word[p + 1 :]
                        cur.append((head, st))
                        lines.append(cur)
                        self.layout.hyphenations.append(
                            {
                                "word": shown,
                                "line_end": head,
                                "next_line_start": tail.replace("~", ""),
                                "block": owner,
                                "page": None,
                            }
                        )
                        cur, cur_w = [], 0.0
                        queue.insert(0, (tail, st))
                        done = True
                        break
                if done:
                    continue
            if cur:
                lines.append(cur)
            cur, cur_w = [(shown, st)], w
        if cur:
            lines.append(cur)
        return lines

    def ensure(self, need: float):
        if self.pdf.get_y() + need > self.bottom:
            self.pdf.add_page()
            return True
        return False

    def draw_line(self, x: float, line, size: float):
        y = self.pdf.get_y()
        # merge runs of equal style
        runs: list[list] = []
        for word, st in line:
            if runs and runs[-1][1] == st:
                runs[-1][0] += " " + word
            else:
                if runs:
                    runs[-1][0] += " "
                runs.append([word, st])
        cx = x
        for txt, st in runs:
            self.style(st, size)
            w = self.pdf.get_string_width(txt)
            self.pdf.set_xy(cx, y)
            self.pdf.cell(w, LINE_H, txt)
            cx += w
        self.pdf.set_xy(MARGIN_L, y + LINE_H)

    def paragraph(
        self,
        toks,
        x: float,
        owner: str,
        size: float = BODY_PT,
        lead: tuple | None = None,
        keep_lines: int = 2,
        lead_x: float = MARGIN_L,
        gap: float = PARA_GAP,
    ) -> tuple[int, int]:
        """Render wrapped tokens starting at x. `lead` = (label, style) printed in the hanging column.
        Returns (first_page, last_page)."""
        avail = self.pdf.w - MARGIN_R - x
        n_hyph_before = len(self.layout.hyphenations)
        lines = self.wrap(toks, avail, size, owner)
        self.ensure(min(keep_lines, len(lines)) * LINE_H)
        first_page = self.pdf.page_no()
        hyph_idx = n_hyph_before
        for i, line in enumerate(lines):
            if i > 0 and self.ensure(LINE_H):
                pass
            if i == 0 and lead is not None:
                y = self.pdf.get_y()
                self.style(lead[1], size)
                self.pdf.set_xy(lead_x, y)
                self.pdf.cell(x - lead_x, LINE_H, lead[0])
                self.pdf.set_xy(MARGIN_L, y)
            self.draw_line(x, line, size)
            if line and line[-1][0].endswith("-") and hyph_idx < len(self.layout.hyphenations):
                h = self.layout.hyphenations[hyph_idx]
                if h["line_end"] == line[-1][0]:
                    h["page"] = self.pdf.page_no()
                    hyph_idx += 1
        last_page = self.pdf.page_no()
        self.layout.words += sum(1 for _ in toks) + (1 if lead else 0)
        if last_page != first_page:
            self.layout.crossings.append({"block": owner, "pages": [first_page, last_page]})
        self.pdf.set_y(self.pdf.get_y() + gap)
        return first_page, last_page

    # -- title page and contents
    def title_page(self):
        pdf = self.pdf
        pdf.add_page()
        y = 30.0
        sizes = {
            "notice": (10, "B"),
            "org": (16, "B"),
            "title": (22, "B"),
            "subtitle": (15, ""),
            "text": (11.5, ""),
            "date": (11.5, "B"),
            "small": (9, "I"),
            "gap": (0, ""),
        }
        for kind, text in self.meta["title_page"]:
            if kind == "gap":
                y += float(text)
                continue
            size, st = sizes[kind]
            text = latin1safe(text)
            self.style(st, size)
            if kind == "notice":
                pdf.set_draw_color(170, 0, 0)
                pdf.set_text_color(170, 0, 0)
                pdf.set_xy(MARGIN_L, y)
                pdf.multi_cell(
                    pdf.w - MARGIN_L - MARGIN_R,
                    6,
                    text,
                    border=1,
                    align="C",
                    new_x="LMARGIN",
                    new_y="NEXT",
                    padding=2,
                )
                pdf.set_text_color(0, 0, 0)
                y = pdf.get_y() + 8
            else:
                pdf.set_xy(MARGIN_L, y)
                pdf.multi_cell(
                    pdf.w - MARGIN_L - MARGIN_R, size * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT"
                )
                y = pdf.get_y() + 3
            self.layout.words += len(text.split())

    def contents_page(self):
        pdf = self.pdf
        pdf.add_page()
        self.style("B", 13)
        pdf.cell(0, 8, "Contents", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        for blk in self.blocks:
            if blk["kind"] != "h1":
                continue
            title = blk["text"]
            page = (self.toc_pages or {}).get(title, 0)
            self.style("", BODY_PT)
            y = pdf.get_y()
            right = pdf.w - MARGIN_R
            num = str(page)
            tw = pdf.get_string_width(title)
            nw = pdf.get_string_width(num)
            dots_w = right - MARGIN_L - tw - nw - 4
            dots = "." * max(3, int(dots_w / pdf.get_string_width(".")))
            pdf.set_xy(MARGIN_L, y)
            pdf.cell(tw + 2, 6.5, title)
            pdf.set_text_color(110, 110, 110)
            pdf.cell(dots_w, 6.5, dots)
            pdf.set_text_color(0, 0, 0)
            pdf.set_xy(right - nw, y)
            pdf.cell(nw, 6.5, num)
            pdf.set_xy(MARGIN_L, y + 6.5)
            self.layout.words += len(title.split()) + 1

    # -- body
    def body(self):
        pdf = self.pdf
        pdf.add_page()
        first_body = True
        for idx, blk in enumerate(self.blocks):
            k = blk["kind"]
            owner = blk.get("num") or plain(blk.get("text") or "")[:50] or f"block{idx}"
            if k in ("h1", "h2"):
                size = 12.5 if k == "h1" else 11
                gap = 6 if k == "h1" else 3.5
                if not first_body:
                    pdf.set_y(pdf.get_y() + gap)
                # keep heading with at least 3 following lines
                self.ensure(size * 0.55 + 3 * LINE_H + 2)
                self.style("B", size)
                pdf.set_x(MARGIN_L)
                pdf.cell(0, size * 0.55, blk["text"], new_x="LMARGIN", new_y="NEXT")
                pdf.set_y(pdf.get_y() + 2)
                self.layout.headings.append(
                    {"heading": blk["text"], "level": 1 if k == "h1" else 2, "page": pdf.page_no()}
                )
                self.layout.words += len(blk["text"].split())
            elif k == "npara":
                fp, _ = self.paragraph(
                    tokens_of(blk["text"]),
                    MARGIN_L + INDENT,
                    owner,
                    lead=(blk["num"], "B" if blk.get("rec") else ""),
                )
                self._rec(blk, fp)
            elif k == "para":
                fp, _ = self.paragraph(tokens_of(blk["text"]), MARGIN_L, owner)
                self._rec(blk, fp)
            elif k == "bullets":
                bullet = self.meta.get("bullet", "\u00b7")
                for i, item in enumerate(blk["items"]):
                    last = i == len(blk["items"]) - 1
                    self.paragraph(
                        tokens_of(item),
                        MARGIN_L + INDENT + 5,
                        item[:50],
                        lead=(bullet, ""),
                        lead_x=MARGIN_L + INDENT,
                        keep_lines=1,
                        gap=PARA_GAP if last else 1.2,
                    )
            elif k == "table":
                self.table(blk["rows"])
            first_body = False

    def _rec(self, blk, page):
        rec = blk.get("rec")
        if not rec:
            return
        txt = plain(blk["text"])
        number = rec["number"]
        if blk["kind"] == "npara":
            assert blk["num"] == number, (blk["num"], number)
            body = txt
        else:
            assert txt.startswith(number), (number, txt[:40])
            body = strip_rec_label(txt[len(number) :])
        self.layout.recs.append(
            {"number": number, "text": body, "agency": rec["agency"], "scope": rec["scope"], "page": page}
        )

    def table(self, rows):
        pdf = self.pdf
        self.ensure(4 * LINE_H)
        self.style("", 8.5)
        ncol = len(rows[0])
        widths = self.meta.get("table_col_widths") or [1] * ncol
        from fpdf.fonts import FontFace

        with pdf.table(
            col_widths=widths,
            text_align="LEFT",
            line_height=4.2,
            headings_style=FontFace(emphasis="BOLD", fill_color=(225, 225, 225)),
            first_row_as_headings=True,
            padding=1.2,
        ) as t:
            for r in rows:
                row = t.row()
                for c in r:
                    row.cell(c)
                    self.layout.words += len(c.split())
        pdf.set_y(pdf.get_y() + PARA_GAP)

    def run(self) -> tuple[bytes, Layout]:
        pdf = self.pdf
        created = dt.datetime.fromisoformat(self.meta["creation_date"]).replace(tzinfo=dt.UTC)
        pdf.set_creation_date(created)
        md = self.meta.get("pdf_metadata", {})
        if md.get("title"):
            pdf.set_title(latin1safe(md["title"]))
        if md.get("author"):
            pdf.set_author(latin1safe(md["author"]))
        if md.get("subject"):
            pdf.set_subject(latin1safe(md["subject"]))
        if md.get("creator"):
            pdf.set_creator(latin1safe(md["creator"]))
        if md.get("producer"):
            pdf.set_producer(latin1safe(md["producer"]))
        self.title_page()
        if self.meta.get("contents_page"):
            self.contents_page()
        self.body()
        return bytes(pdf.output()), self.layout


def build_pdf(meta: dict, blocks: list[dict]) -> tuple[bytes, Layout]:
    toc = None
    if meta.get("contents_page"):
        _, lay = Renderer(meta, blocks, None).run()
        toc = {h["heading"]: h["page"] for h in lay.headings if h["level"] == 1}
    return Renderer(meta, blocks, toc).run()


# ----------------------------------------------------------------------------------------------
# Word (.docx) rendering


def build_docx(meta: dict, blocks: list[dict]) -> tuple[bytes, Layout]:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    lay = Layout()
    d = docx.Document()
    created = dt.datetime.fromisoformat(meta["creation_date"])
    cp = d.core_properties
    md = meta.get("docx_properties", {})
    cp.title = md.get("title", "")
    cp.author = md.get("author", "")
    cp.last_modified_by = md.get("author", "")
    cp.subject = md.get("subject", "")
    cp.keywords = md.get("keywords", "")
    cp.comments = "FICTIONAL SAMPLE DOCUMENT - written for testing; not a real review"
    cp.created = created
    cp.modified = created
    cp.last_printed = created
    cp.revision = 3

    sec = d.sections[0]
    hp = sec.header.paragraphs[0]
    hp.text = meta["header"]
    hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fp = sec.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fp.add_run("Page ")
    for instr in ("PAGE", None, "NUMPAGES"):
        if instr is None:
            fp.add_run(" of ")
            continue
        run = fp.add_run()
        b = OxmlElement("w:fldChar")
        b.set(qn("w:fldCharType"), "begin")
        it = OxmlElement("w:instrText")
        it.set(qn("xml:space"), "preserve")
        it.text = instr
        e = OxmlElement("w:fldChar")
        e.set(qn("w:fldCharType"), "end")
        run._r.append(b)
        run._r.append(it)
        run._r.append(e)

    for kind, text in meta["title_page"]:
        text = latin1safe(text)
        if kind == "gap":
            continue
        if kind == "title":
            p = d.add_paragraph(text, style="Title")
        elif kind == "notice":
            p = d.add_paragraph()
            r = p.add_run(text)
            r.bold = True
            r.font.color.rgb = RGBColor(0xAA, 0, 0)
        elif kind == "subtitle":
            p = d.add_paragraph(text, style="Subtitle")
        else:
            p = d.add_paragraph()
            r = p.add_run(text)
            r.bold = kind in ("org", "date")
            r.font.size = Pt(14 if kind == "org" else 11)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        lay.words += len(text.split())
    d.add_page_break()

    def add_runs(p, text):
        for i, part in enumerate(text.replace("~", "").split("**")):
            if part:
                r = p.add_run(part)
                r.bold = i % 2 == 1

    for blk in blocks:
        k = blk["kind"]
        if k in ("h1", "h2"):
            d.add_heading(blk["text"], level=1 if k == "h1" else 2)
            lay.headings.append({"heading": blk["text"], "level": 1 if k == "h1" else 2, "page": None})
            lay.words += len(blk["text"].split())
        elif k == "npara":
            p = d.add_paragraph()
            p.paragraph_format.left_indent = Pt(36)
            p.paragraph_format.first_line_indent = Pt(-36)
            r = p.add_run(blk["num"] + "\t")
            r.bold = bool(blk.get("rec"))
            add_runs(p, blk["text"])
            lay.words += len(plain(blk["text"]).split()) + 1
        elif k == "para":
            p = d.add_paragraph()
            add_runs(p, blk["text"])
            lay.words += len(plain(blk["text"]).split())
        elif k == "bullets":
            for item in blk["items"]:
                p = d.add_paragraph(style="List Bullet")
                add_runs(p, item)
                lay.words += len(plain(item).split())
        elif k == "table":
            rows = blk["rows"]
            t = d.add_table(rows=len(rows), cols=len(rows[0]))
            t.style = "Table Grid"
            for i, r in enumerate(rows):
                for j, c in enumerate(r):
                    t.cell(i, j).text = c
                    lay.words += len(c.split())
        rec = blk.get("rec")
        if rec:
            txt = plain(blk["text"])
            body = txt if k == "npara" else strip_rec_label(txt[len(rec["number"]) :])
            lay.recs.append(
                {
                    "number": rec["number"],
                    "text": body,
                    "agency": rec["agency"],
                    "scope": rec["scope"],
                    "page": None,
                }
            )

    buf = io.BytesIO()
    d.save(buf)
    # re-pack with fixed timestamps so the bytes are reproducible
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    stamp = (created.year, created.month, created.day, created.hour, created.minute, 0)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=stamp)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, src.read(info.filename))
    return out.getvalue(), lay


# ----------------------------------------------------------------------------------------------


def main() -> int:
    labels_docs = []
    sources = sorted(SRC.glob("dhr_*.report"))
    for path in sources:
        meta, blocks = parse_source(path)
        out = HERE / meta["output"]
        out.parent.mkdir(parents=True, exist_ok=True)
        if meta["output"].endswith(".pdf"):
            data, lay = build_pdf(meta, blocks)
            import pypdf  # only to count pages of what we just wrote

            page_count = len(pypdf.PdfReader(io.BytesIO(data)).pages)
        else:
            data, lay = build_docx(meta, blocks)
            page_count = None
        out.write_bytes(data)
        lab = dict(meta["labels"])
        entry = {
            "path": meta["output"],
            "format": out.suffix.lstrip("."),
            "type": meta["type"],
            "title": lab.pop("title"),
            "body": lab.pop("body"),
            "area": lab.pop("area"),
            "date": lab.pop("date"),
            "date_as_printed": lab.pop("date_as_printed"),
            "page_count": page_count,
            "fictional_notice": meta["title_page"][0][1],
            "running_header": meta["header"],
            "running_footer": "Page N of M" if page_count else "Page N of M (Word fields PAGE / NUMPAGES)",
            "word_count": lay.words,
            "section_headings": [h["heading"] for h in lay.headings],
            "sections": lay.headings,
            "themes": sorted(lab.pop("themes")),
            "negated_themes": sorted(lab.pop("negated_themes")),
            "case": lab.pop("case"),
            "recommendations": lay.recs,
        }
        if meta["output"].endswith(".pdf"):
            entry["has_contents_page"] = bool(meta.get("contents_page"))
            entry["pdf_metadata_title"] = meta.get("pdf_metadata", {}).get("title")
            entry["paragraphs_crossing_pages"] = lay.crossings
            entry["hyphenated_words"] = lay.hyphenations
        entry.update(lab)  # any extra notes
        labels_docs.append(entry)
        print(
            f"{meta['output']}: {page_count or '-'} pages, {lay.words} words, "
            f"{len(lay.recs)} recommendations, {len(lay.hyphenations)} hyphenations, "
            f"{len(lay.crossings)} paragraphs across pages"
        )

    committee = json.loads((SRC / "committee_labels.json").read_text(encoding="utf-8"))
    for c in committee:
        p = HERE / c["path"]
        if not p.exists():
            print(f"WARNING: {c['path']} missing", file=sys.stderr)
    labels = {
        "about": "Ground truth for the FICTIONAL sample corpus. Every document is invented for testing; "
        "none is a real review or a real council paper. Paths are relative to corpus/. "
        "Headings and recommendation numbers are as printed (compare after collapsing whitespace; "
        "in the TXT minutes the item number is printed on its own line before the title).",
        "theme_ids": THEME_IDS,
        "documents": labels_docs + committee,
    }
    for d in labels["documents"]:
        for t in d.get("themes", []) + d.get("negated_themes", []):
            assert t in THEME_IDS, (d["path"], t)
        assert not set(d.get("themes", [])) & set(d.get("negated_themes", [])), d["path"]
    (HERE / "labels.json").write_text(
        json.dumps(labels, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"labels.json: {len(labels['documents'])} documents")
    return 0


THEME_IDS = [
    "intimate_partner_homicide",
    "adult_family_homicide",
    "parricide",
    "homicide_suicide",
    "suspected_victim_suicide",
    "children_present",
    "coercive_control",
    "economic_abuse",
    "physical_abuse",
    "emotional_abuse",
    "sexual_abuse",
    "separation",
    "stalking",
    "honour_based_abuse",
    "forced_marriage",
    "risk_assessment",
    "marac",
    "idva_specialist_services",
    "information_sharing",
    "multi_agency_working",
    "professional_curiosity",
    "gp_primary_care",
    "mental_health",
    "alcohol",
    "drugs",
    "toxic_trio",
    "suicide_self_harm",
    "non_fatal_strangulation",
    "older_people",
    "disability_care_needs",
    "pregnancy",
    "immigration_nrpf",
    "language_interpreters",
    "male_victims",
    "lgbt_victims",
    "housing",
    "criminal_justice",
    "perpetrator_history",
    "family_friends_knowledge",
    "training_awareness",
    "covid19",
    "record_keeping_supervision",
]

if __name__ == "__main__":
    sys.exit(main())
