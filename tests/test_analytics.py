"""Rolling passage tags up to documents: prevalence, breakdowns, co-occurrence, evidence and filters."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.catalogue import Catalogue, ThemeMentionRow
from kb.errors import QueryError
from kb.models import DocumentMeta, Passage
from kb.query import Filters
from kb.taxonomy import load_taxonomy
from reports import themes as analytics

# (status, title, type, date, area, extra, passages); a passage is (text, [(theme, status, words)])
DOCS = [
    (
        "ok",
        "DHR Anna",
        "dhr_overview_report",
        "2019-05-01",
        "Northbridge",
        {
            "review_kind": "intimate_partner_homicide",
            "relationship": "ex-partner",
            "victim_sex": "female",
            "victim_age_band": "30-39",
            "year_of_death": "2018",
        },
        [
            (
                "He drank heavily and was depressed.",
                [("alcohol", "present", "drank heavily"), ("mental_health", "present", "depressed")],
            ),
            ("There was no evidence of drug use.", [("drugs", "negated", "drug use")]),
            ("No referral was made to MARAC.", [("marac", "negated", "MARAC")]),
        ],
    ),
    (
        "ok",
        "DHR Margaret summary",
        "dhr_executive_summary",
        "2020-02",
        "Eastmoor",
        {
            "review_kind": "adult_family_homicide",
            "relationship": "son",
            "victim_sex": "female",
            "victim_age_band": "70-79",
            "year_of_death": "2019",
        },
        [
            (
                "Her son killed her; he had been drinking.",
                [("parricide", "present", "son killed her"), ("alcohol", "present", "drinking")],
            )
        ],
    ),
    (
        "ok",
        "Scrutiny minutes",
        "committee_minutes",
        "2020-07-06",
        "Northbridge",
        {},
        [("Members asked about alcohol services.", [("alcohol", "present", "alcohol")])],
    ),
    (
        "ok",
        "DHR Priya",
        "dhr_overview_report",
        "2021",
        None,
        {"review_kind": "intimate_partner_homicide", "relationship": "partner"},
        [
            ("There was no evidence that alcohol was a factor.", [("alcohol", "negated", "alcohol")]),
            ("She had been treated for anxiety.", [("mental_health", "present", "anxiety")]),
            (
                "If he had been drinking, the police would have known.",
                [("alcohol", "hypothetical", "drinking")],
            ),
        ],
    ),
    (
        "indexing",
        "Half-written",
        "dhr_overview_report",
        "2021-01-01",
        "Northbridge",
        {},
        [("Alcohol everywhere.", [("alcohol", "present", "Alcohol")])],
    ),
]


def build_catalogue(path: Path, docs=DOCS) -> Catalogue:  # noqa: ANN001
    """A catalogue with the given documents, written as ingest writes them (no vectors needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    cat = Catalogue(path)
    for i, (status, title, doc_type, date, area, extra, passages) in enumerate(docs):
        meta = DocumentMeta(
            title=title,
            body=f"{area} CSP" if area else None,
            area=area,
            date=date,
            doc_type=doc_type,
            extra=extra,
        )
        ps = [
            Passage(text, n, n + 1, f"{i}.{n + 1}", "Findings", "analysis")
            for n, (text, _) in enumerate(passages)
        ]
        mentions = [[ThemeMentionRow(t, s, w) for t, s, w in ms] for _, ms in passages]
        cat.write_document(f"doc{i}", f"/corpus/doc{i}.pdf", f"hash{i}", meta, 10, ps, mentions)
        cat.set_status(f"doc{i}", status)
    return cat


@pytest.fixture
def catalogue(tmp_path: Path) -> Catalogue:
    return build_catalogue(tmp_path / "kb" / "catalogue.sqlite3")


def by_theme(rows):  # noqa: ANN001, ANN201
    return {r.theme: r for r in rows}


def test_documents_being_written_are_not_counted(catalogue):
    docs = analytics.document_themes(catalogue)
    assert [d.title for d in docs] == ["DHR Anna", "DHR Margaret summary", "Scrutiny minutes", "DHR Priya"]


def test_prevalence_counts_reviews_documents_and_passages(catalogue):
    counts = by_theme(analytics.prevalence(analytics.document_themes(catalogue)))
    assert (counts["alcohol"].reviews, counts["alcohol"].documents, counts["alcohol"].passages) == (2, 3, 3)
    assert (counts["mental_health"].reviews, counts["mental_health"].documents) == (2, 2)


def test_a_negated_mention_does_not_count_as_the_theme_being_present(catalogue):
    docs = {d.title: d for d in analytics.document_themes(catalogue)}
    # "There was no evidence that alcohol was a factor" and an if-clause: Priya's review has no alcohol
    assert "alcohol" not in docs["DHR Priya"].themes
    assert "drugs" not in docs["DHR Anna"].themes
    assert "drugs" not in by_theme(analytics.prevalence(list(docs.values())))


def test_practice_themes_count_when_their_absence_is_the_learning(catalogue):
    # marac is not negatable: "No referral was made to MARAC" is learning about MARAC
    docs = {d.title: d for d in analytics.document_themes(catalogue)}
    assert "marac" in docs["DHR Anna"].themes


def test_implied_themes_are_counted(catalogue):
    docs = {d.title: d for d in analytics.document_themes(catalogue)}
    assert {"parricide", "adult_family_homicide"} <= set(docs["DHR Margaret summary"].themes)


def test_ranking_is_by_reviews_first(catalogue):
    rows = analytics.prevalence(analytics.document_themes(catalogue))
    assert [r.theme for r in rows[:2]] == [
        "alcohol",
        "mental_health",
    ]  # 2 reviews each; alcohol has 3 documents
    assert [r.reviews for r in rows] == sorted((r.reviews for r in rows), reverse=True)


def test_min_count_and_unit(catalogue):
    docs = analytics.document_themes(catalogue)
    assert {r.theme for r in analytics.prevalence(docs, min_count=2)} == {"alcohol", "mental_health"}
    assert {r.theme for r in analytics.prevalence(docs, min_count=3, unit="documents")} == {"alcohol"}


def test_include_all_lists_the_whole_taxonomy(catalogue):
    rows = analytics.prevalence(analytics.document_themes(catalogue), include_all=True)
    assert len(rows) == len(load_taxonomy()) and by_theme(rows)["stalking"].documents == 0


def test_breakdown_by_year_counts_reviews_only(catalogue):
    bd = analytics.breakdown(analytics.document_themes(catalogue), "year")
    assert bd.groups == ["2019", "2020", "2021"]
    assert bd.totals == {"2019": 1, "2020": 1, "2021": 1}
    assert bd.counts["alcohol"] == {"2019": 1, "2020": 1}  # the 2020 minutes are not a review
    docs_bd = analytics.breakdown(analytics.document_themes(catalogue), "year", unit="documents")
    assert docs_bd.counts["alcohol"] == {"2019": 1, "2020": 2}


def test_breakdown_by_area_type_and_characteristic(catalogue):
    docs = analytics.document_themes(catalogue)
    assert analytics.breakdown(docs, "area").groups == ["Eastmoor", "Northbridge", "unknown"]
    assert analytics.breakdown(docs, "type", unit="documents").totals == {
        "dhr_overview_report": 2,
        "dhr_executive_summary": 1,
        "committee_minutes": 1,
    }
    assert analytics.breakdown(docs, "review_kind").counts["mental_health"] == {
        "intimate_partner_homicide": 2
    }
    with pytest.raises(QueryError):
        analytics.breakdown(docs, "colour")


def test_filters_by_date_area_type_and_case(catalogue):
    def titles(flt: Filters) -> list[str]:
        return [d.title for d in analytics.document_themes(catalogue, flt)]

    assert titles(Filters(since="2020")) == ["DHR Margaret summary", "Scrutiny minutes", "DHR Priya"]
    assert titles(Filters(until="2020-02")) == ["DHR Anna", "DHR Margaret summary"]
    assert titles(Filters(since="2021", until="2021")) == [
        "DHR Priya"
    ]  # a year-only date is inside its year
    assert titles(Filters(area="northbridge")) == ["DHR Anna", "Scrutiny minutes"]
    assert titles(Filters(doc_type="dhr_executive_summary")) == ["DHR Margaret summary"]
    assert titles(Filters.build(review_kind="intimate_partner_homicide")) == ["DHR Anna", "DHR Priya"]
    assert titles(Filters.build(relationship="Son", victim_sex="female")) == ["DHR Margaret summary"]
    assert titles(Filters.build(year_of_death=2018)) == ["DHR Anna"]
    assert titles(Filters.build(victim_age_band="70-79")) == ["DHR Margaret summary"]


@pytest.mark.parametrize(
    "kwargs", [{"since": "soon"}, {"doc_type": "novel"}, {"since": "2022", "until": "2021"}]
)
def test_bad_filters_are_refused(kwargs):
    with pytest.raises(QueryError):
        Filters(**kwargs)


def test_an_unknown_characteristic_value_names_the_values_that_exist(catalogue):
    with pytest.raises(QueryError, match="ex-partner, partner, son"):
        catalogue.check_filters(Filters.build(relationship="husbnd"))
    catalogue.check_filters(Filters.build(relationship="EX-PARTNER"))  # no error


def test_cooccurrence(catalogue):
    docs = analytics.document_themes(catalogue)
    n, total, rows = analytics.cooccurrence(docs, "alcohol")
    assert (n, total) == (2, 3)
    mh = by_theme(rows)["mental_health"]
    assert (mh.both, mh.overall, mh.same_passage) == (1, 2, 1)
    assert mh.share == 0.5 and round(mh.overall_share, 3) == 0.667
    assert "alcohol" not in by_theme(rows)


def test_evidence_lists_passages_with_citations_reviews_first(catalogue):
    ev = analytics.evidence(catalogue, "alcohol")
    assert [e.source.title for e in ev] == ["DHR Margaret summary", "DHR Anna", "Scrutiny minutes"]
    first = ev[0]
    assert first.words == ("drinking",)
    assert "DHR Margaret summary" in first.citation and "February 2020" in first.citation
    assert first.to_row()["paragraph"] == "1.1" and first.to_row()["page"] == 1
    # the implied theme shows the words of the theme that implies it
    afh = analytics.evidence(catalogue, "adult_family_homicide")
    assert [e.words for e in afh] == [("son killed her",)]
    assert analytics.evidence(catalogue, "drugs") == []
    assert [e.source.title for e in analytics.evidence(catalogue, "alcohol", Filters(area="Eastmoor"))] == [
        "DHR Margaret summary"
    ]


def test_an_empty_catalogue_gives_empty_answers(tmp_path):
    cat = Catalogue(tmp_path / "c.sqlite3")
    docs = analytics.document_themes(cat)
    assert docs == [] and analytics.prevalence(docs) == []
    assert analytics.breakdown(docs, "year").groups == []
    assert analytics.cooccurrence(docs, "alcohol")[:2] == (0, 0)
