"""Metadata of real published documents (../shared/real), against bench/data/documents_labels.json.

The documents are not in the repository: the tests skip when the folder is absent. Reading twelve real
PDFs takes about 20 s, so the module is marked slow.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from bench.eval_documents import title_right
from ingest.extract import extract
from ingest.metadata import detect_metadata
from kb.models import DocumentMeta

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "real"
LABELS = json.loads((ROOT / "bench" / "data" / "documents_labels.json").read_text("utf-8"))["documents"]


@cache
def detected(name: str) -> DocumentMeta:
    path = REAL / name
    if not path.is_file():
        pytest.skip(f"the real documents are not at {REAL} (they live in ../shared/real beside the repo)")
    return detect_metadata(path, extract(path))


@pytest.mark.parametrize("label", LABELS, ids=[d["path"] for d in LABELS])
def test_title_area_date_and_type_are_what_a_reader_gives(label: dict) -> None:
    meta = detected(label["path"])
    assert title_right(label["title"], meta.title), meta.title
    assert (meta.area, meta.date, meta.doc_type) == (label["area"], label["date"], label["type"])
    assert set(meta.extra["provenance"].values()) <= {"detected", "missing"}


@pytest.mark.parametrize("label", LABELS, ids=[d["path"] for d in LABELS])
def test_no_title_is_a_template_name_a_byline_or_an_addressee(label: dict) -> None:
    title = detected(label["path"]).title.lower()
    assert not title.endswith("template -") and title not in ("agenda template", "minutes", "executive decision")
    assert not title.startswith(("from:", "by:", "to:", "dear"))


def test_a_national_document_has_no_area_and_a_kcc_paper_is_kent_not_a_district_it_names() -> None:
    national = [d["path"] for d in LABELS if d["type"] in ("guidance", "research")]
    assert national and all(detected(p).area is None for p in national)
    kcc = [d["path"] for d in LABELS if d["body"] == "Kent County Council"]
    assert kcc and all(detected(p).area == "Kent" and detected(p).body in ("Kent County Council", None) for p in kcc)


def test_guidance_that_names_its_department_only_in_the_files_properties_is_the_departments() -> None:
    assert detected("gov_dfe_information_sharing_advice_safeguarding_2024.pdf").body == "Department for Education"
