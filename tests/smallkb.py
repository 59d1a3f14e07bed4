"""A small knowledge base for the fast tests (search, filters, the web app), built with the fake embedder.

Two reviews that share a passage, committee minutes, a review whose text holds HTML that must show
as text, a two-page PDF (for `#page=N` links), and a file the symlink test swaps out.
"""

from __future__ import annotations

import json
from pathlib import Path

from index.stores import Stores
from index.vectors import VectorStore
from ingest.pipeline import Ingestor
from kb.catalogue import Catalogue
from kb.config import Settings
from kb.tagger import ThemeTagger
from tests.fakes import FakeEmbedder

SHARED = ("2.1 Information was not shared between the GP surgery and the police after the assault in March. "
          "A referral to MARAC was not made although the risk assessment scored high and the victim was frightened.")
HOSTILE = "<script>alert('x')</script> and <img src=x onerror=alert(1)> were written in the agency's case notes."


def review(name: str, year: int, area: str, relationship: str, extra_line: str) -> tuple[str, dict]:
    text = f"""Domestic Homicide Review: Overview Report into the death of {name}

1. Introduction

1.1 This review examines the contact agencies had with {name} before her death. {extra_line}

2. Lessons learned

{SHARED}

3. Recommendations

3.1 The {area} Community Safety Partnership should ensure GP practices complete routine enquiry about
domestic abuse and share information with the police when risk is high.
"""
    meta = {"title": f"DHR {name}", "body": f"{area} CSP", "area": area, "date": f"{year}-05-01",
            "type": "dhr_overview_report", "relationship": relationship}
    return text, meta


def two_page_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    pdf.add_page()
    pdf.multi_cell(0, 6, new_x="LMARGIN", new_y="NEXT", text="1. Introduction")
    pdf.multi_cell(0, 6, new_x="LMARGIN", new_y="NEXT",
                   text="1.1 This annual report of the Safer Eastmoor Partnership describes the year's work on "
                         "domestic abuse services, the partnership's priorities and the training delivered to "
                         "frontline staff across housing, health and children's services in the borough.")
    pdf.add_page()
    pdf.multi_cell(0, 6, new_x="LMARGIN", new_y="NEXT", text="2. Refuge capacity")
    pdf.multi_cell(0, 6, new_x="LMARGIN", new_y="NEXT",
                   text="2.1 The refuge waiting list doubled and outreach workers carried caseloads above the "
                         "recommended level, so the partnership asked for a review of commissioning.")
    return bytes(pdf.output())


def build_folder(folder: Path) -> Path:
    docs = {
        "anna": review("Anna", 2019, "Northbridge", "partner",
                       "She misused alcohol and her partner controlled her money."),
        "mary": review("Mary", 2022, "Eastmoor", "son", "Her adult son was her carer and drank heavily."),
        "hostile": review("Hostile", 2021, "Westvale", "partner", HOSTILE),
    }
    for stem, (text, meta) in docs.items():
        (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
        (folder / f"{stem}.txt.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    (folder / "minutes.txt").write_text(
        "Safer Communities Scrutiny Committee minutes, 6 July 2021\n\n"
        "Item 4. Domestic abuse services\n\n"
        "Members asked how the refuge would be funded after March. =SUM(A1) The officer said the "
        "commissioning budget for refuge places and outreach workers was agreed for two more years.\n",
        encoding="utf-8",
    )
    (folder / "swap.txt").write_text(
        "Briefing note for the partnership board on training for housing officers about coercive control "
        "and economic abuse, with dates for the next sessions.\n", encoding="utf-8")
    (folder / "annual.pdf").write_bytes(two_page_pdf())
    (folder / "annual.pdf.meta.json").write_text(json.dumps(
        {"title": "Safer Eastmoor annual report", "area": "Eastmoor", "date": "2023-01-10",
         "type": "committee_report"}), encoding="utf-8")
    return folder


def open_stores(settings: Settings) -> Stores:
    """Stores over `settings` with the fake embedder (what the web app opens on its worker thread)."""
    settings.ensure_dirs()
    return Stores(settings, Catalogue(settings.catalogue_path), VectorStore(settings), FakeEmbedder())


def build_kb(docs: Path, db: Path) -> Settings:
    settings = Settings(db=db)
    stores = open_stores(settings)
    report = Ingestor(stores.catalogue, stores.vectors, stores.embedder, ThemeTagger()).run([build_folder(docs)])
    assert not report.failed, report.failed
    stores.catalogue.close()
    return settings
