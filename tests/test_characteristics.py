"""Case characteristics a DHR states: kind of review, victim's age band and sex, relationship, year of
death."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ingest.blocks import Block, Extracted
from ingest.metadata import detect_metadata
from kb.characteristics import CHARACTERISTICS, RELATIONSHIPS, REVIEW_KINDS, detect_characteristics
from tests.conftest import CORPUS

DHR_TOP = "Domestic Homicide Review\nOverview Report\nTerms of Reference\n"


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "This review examines the death of 'Ruth', a 29 year old woman who was killed at her flat in "
            "March 2017 by her former partner, Mr D.",
            {
                "review_kind": "intimate_partner_homicide",
                "victim_age_band": "20-29",
                "victim_sex": "female",
                "relationship": "ex-partner",
                "year_of_death": "2017",
            },
        ),
        (
            "Mr S, aged 83, was killed by his daughter at the bungalow they shared in October 2021.",
            {
                "review_kind": "adult_family_homicide",
                "victim_age_band": "80-89",
                "victim_sex": "male",
                "relationship": "daughter",
                "year_of_death": "2021",
            },
        ),
        (
            "In the early hours of 4 May 2016 Mr T killed his mother at their home.",
            {
                "review_kind": "adult_family_homicide",
                "victim_sex": "female",
                "relationship": "son",
                "year_of_death": "2016",
            },
        ),
        (
            "The review was commissioned following the death of Ms V, who took her own life in August 2020 "
            "after years of abuse by her husband.",
            {
                "review_kind": "suspected_victim_suicide",
                "victim_sex": "female",
                "relationship": "partner",
                "year_of_death": "2020",
            },
        ),
        (
            "This review concerns the deaths of Jo, aged 52, and her husband Mr W. Jo was strangled by Mr W, "
            "who then took his own life. Both died on 2 July 2019.",
            {
                "review_kind": "homicide_suicide",
                "victim_age_band": "50-59",
                "victim_sex": "female",
                "relationship": "partner",
                "year_of_death": "2019",
            },
        ),
        (
            "Sam was a 61-year-old gay man. His partner, Mr Y, was convicted of his murder in 2015.",
            {
                "review_kind": "intimate_partner_homicide",
                "victim_age_band": "60-69",
                "victim_sex": "male",
                "relationship": "partner",
            },
        ),
    ],
)
def test_characteristics_stated_in_the_introduction(text, expected):
    assert detect_characteristics(text) == expected


def test_nothing_stated_gives_nothing():
    assert detect_characteristics("The panel met six times. Agencies provided chronologies.") == {}


@pytest.mark.parametrize(
    "text, key, unwanted",
    [
        # a threat of suicide is not a suicide; his suicide after killing her is a homicide-suicide
        (
            "Mr B had threatened to take his own life if she left him.",
            "review_kind",
            "suspected_victim_suicide",
        ),
        ("Mr H shot his wife and then took his own life.", "review_kind", "suspected_victim_suicide"),
        # the children's ages are not the victim's
        (
            "Her two children, then aged 12 and 14, were at school. Her 16-year-old son found her.",
            "victim_age_band",
            "10-19",
        ),
        # the CSP being notified is not the death
        ("The CSP was notified of the death by the police in July 2020.", "year_of_death", "2020"),
        # a sentence naming every kind of review is guidance, not this case
        (
            "Reviews may follow an intimate partner homicide, an adult family homicide or a suspected victim "
            "suicide.",
            "review_kind",
            "intimate_partner_homicide",
        ),
    ],
)
def test_what_is_not_a_statement_about_this_case(text, key, unwanted):
    assert detect_characteristics(text).get(key) != unwanted


def test_values_come_from_the_documented_vocabulary():
    found = detect_characteristics(
        "Ms A was killed by her estranged husband in 2010. She was 40 when she died."
    )
    assert found["relationship"] in RELATIONSHIPS and found["review_kind"] in REVIEW_KINDS
    assert found["victim_age_band"] == "40-49" and set(found) <= set(CHARACTERISTICS)


def test_metadata_detection_stores_them_in_extra_for_dhrs_only(tmp_path):
    intro = "1.1 This review concerns 'Bea', a 45 year old woman who was killed in May 2019 by her partner."
    meta = detect_metadata(tmp_path / "dhr.txt", Extracted([Block(t) for t in (DHR_TOP + intro).split("\n")]))
    assert meta.doc_type.startswith("dhr_")
    assert (
        meta.extra["review_kind"] == "intimate_partner_homicide" and meta.extra["victim_age_band"] == "40-49"
    )
    minutes = detect_metadata(tmp_path / "m.txt", Extracted([Block("Minutes of the Cabinet"), Block(intro)]))
    assert not set(CHARACTERISTICS) & set(minutes.extra)


def test_a_sidecar_overrides_what_the_text_says(tmp_path):
    intro = "1.1 This review concerns 'Bea', a 45 year old woman who was killed in May 2019 by her partner."
    sidecar = {"relationship": "ex-partner", "year_of_death": "2018"}
    meta = detect_metadata(
        tmp_path / "dhr.txt", Extracted([Block(t) for t in (DHR_TOP + intro).split("\n")]), sidecar
    )
    assert meta.extra["relationship"] == "ex-partner" and meta.extra["year_of_death"] == "2018"
    assert meta.extra["victim_age_band"] == "40-49"  # still detected where the sidecar is silent


# ----------------------------------------------------------------------------- the sample corpus


def _normalise_label(key: str, value: object) -> str:
    """labels.json writes relationships in words ("husband (separated)", "son (parricide)")."""
    text = str(value).lower()
    if key != "relationship":
        return text
    word = re.match(r"[a-z-]+", text).group(0)
    if word in {"husband", "wife", "partner", "boyfriend", "girlfriend", "spouse", "fiance", "fiancee"}:
        return "ex-partner" if re.search(r"separated|estranged|former|\bex\b", text) else "partner"
    return word


def _dhr_labels() -> list[dict]:
    path = CORPUS / "labels.json"
    if not path.is_file():
        pytest.skip("corpus/labels.json is not there")
    docs = [d for d in json.loads(path.read_text("utf-8"))["documents"] if d.get("case")]
    return [d for d in docs if (CORPUS / d["path"]).is_file()]


def test_the_sample_dhrs_characteristics_match_their_labels():
    try:
        from ingest.pipeline import read_document
    except ImportError as exc:
        pytest.skip(f"ingest cannot be imported: {exc}")
    docs = _dhr_labels()
    assert docs
    for d in docs:
        meta, _, _ = read_document(CORPUS / d["path"])
        want = {k: _normalise_label(k, d["case"][k]) for k in CHARACTERISTICS if d["case"].get(k) is not None}
        got = {k: meta.extra.get(k) for k in want}
        assert got == want, d["path"]


def test_characteristics_filter_themes_on_the_sample_corpus(tmp_path):
    from typer.testing import CliRunner

    from cli import app
    from tests.test_themes_cli import corpus_catalogue

    docs = _dhr_labels()
    db = corpus_catalogue(tmp_path / "kb", labelled_metadata=True)
    runner = CliRunner()
    for kind in {d["case"]["review_kind"] for d in docs}:
        out = runner.invoke(
            app, ["themes", "--review-kind", kind, "--by", "review-kind", "--json", "--db", str(db)]
        )
        assert out.exit_code == 0, out.output
        assert json.loads(out.output)["totals"] == {kind: sum(d["case"]["review_kind"] == kind for d in docs)}
    listed = json.loads(runner.invoke(app, ["docs", "--json", "--db", str(db)]).output)
    by_name = {Path(r["path"]).name: r for r in listed}
    for d in docs:
        assert by_name[Path(d["path"]).name]["victim_sex"] == d["case"]["victim_sex"]
