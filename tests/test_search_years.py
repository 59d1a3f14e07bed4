"""A query naming a year prefers that year's report, and a number question the figure on what it counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.highlights import add_highlights, figure_near_subject, subject_words
from index.periods import Asked, asked_years, document_periods, periods_in, year_match, years_in
from index.search import BEFORE_YEARS, Ranking, search, year_matches
from index.vectors import VectorStore
from ingest.pipeline import Ingestor
from kb.catalogue import Catalogue
from kb.config import Settings
from kb.models import Excerpt, Source
from kb.query import Query
from kb.tagger import ThemeTagger
from tests.fakes import FakeEmbedder

# --- the years a text names ----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "years"), [
    ("how many victims in 2022-23", {2022, 2023}),
    ("reviews of 2021/22", {2021, 2022}),
    ("support in 2024 to 2025", {2024, 2025}),
    ("between September 2022 and October 2023", {2022, 2023}),
    ("Key findings: October 2019 to September 2020", {2019, 2020}),
    ("reviews completed by 2016", {2016}),
])
def test_a_year_or_a_range_of_years_is_a_period(text, years):
    assert years_in(text) == years


@pytest.mark.parametrize("text", [
    "which deaths must a partnership review under the 2004 Act",
    "the Domestic Abuse Act 2021 created the duty",
    "women are more likely to be killed by a partner (UNODC, 2018; ONS, 2020)",
    "published on 2024-10-31",  # a date is one year, not a range to 2010
])
def test_laws_citations_and_dates_name_no_period_of_their_own(text):
    assert years_in(text) <= {2024}


def test_each_period_of_a_passage_is_kept_apart():
    text = "375,000 people reported abuse between April 2022 to March 2023; between 2010 and 2015 one in four..."
    assert periods_in(text) == [frozenset({2022, 2023}), frozenset(range(2010, 2016))]


def test_a_report_is_about_the_period_its_title_names_else_the_year_it_is_dated():
    assert document_periods("Key findings: September 2021 to October 2022", "2024-10-31") == (frozenset({2021, 2022}),)
    assert document_periods("Key findings from analysis of domestic homicide reviews", "2016-12") == (
        frozenset({2016}),)
    assert document_periods("Safe accommodation", None) == ()


def test_this_years_report_matches_fully_and_last_years_by_the_year_they_share():
    asked = asked_years("how many victims in 2022-23")
    assert year_match(asked, [frozenset({2022, 2023})]) == 1.0
    assert year_match(asked, [frozenset({2021, 2022})]) == 0.5
    assert year_match(asked, [frozenset({2021, 2022}), frozenset({2022, 2023})]) == 1.0  # a table of years
    assert year_match(Asked(frozenset({2019})), [frozenset({2019, 2020})]) == 1.0
    assert year_match(asked, []) == 0.0 and year_match(Asked(), [frozenset({2022})]) == 0.0


def test_since_and_before_a_year_are_open_any_year_in_range_will_do():
    since = asked_years("how has demand changed since 2019", this_year=2025)
    assert since == Asked(frozenset(range(2019, 2026)), open=True)
    assert year_match(since, [frozenset({2023, 2024})]) == 1.0
    assert year_match(since, [frozenset({2016})]) == 0.0
    before = asked_years("reviews published before 2016")
    assert year_match(before, [frozenset({2013})]) == 1.0 and year_match(before, [frozenset({2016})]) == 0.0
    assert asked_years("the reviews of 2021 to 2022") == Asked(frozenset({2021, 2022}))  # not open


def test_last_year_and_this_year_are_read_by_todays_date():
    assert asked_years("how many families were turned away last year", this_year=2025) == Asked(frozenset({2024}))
    assert asked_years("what has the partnership funded this year", this_year=2025) == Asked(frozenset({2025}))
    past = asked_years("how many referrals ended in the last year", this_year=2025)  # the past twelve months
    assert past == Asked(frozenset({2024, 2025}), open=True)
    assert year_match(past, [frozenset({2023, 2024})]) == 1.0


def test_a_year_in_figures_outranks_a_relative_one_and_plural_years_are_no_year():
    assert asked_years("last year's report on 2019", this_year=2025) == Asked(frozenset({2019}))
    assert asked_years("contact in the last years of her life", this_year=2025) == Asked()
    assert asked_years("a previous year's review", this_year=2025) == Asked()


class Documents:
    """The two catalogue reads `year_matches` makes: passage texts and where each passage appears."""

    def __init__(self, passages: dict[str, tuple[str, str, str | None]]) -> None:
        self.passages = passages  # passage id -> (text, document title, document date)

    def passage_texts(self, ids):
        return {pid: (self.passages[pid][0], ()) for pid in ids if pid in self.passages}

    def sources(self, ids):
        return {pid: [Source(pid, f"/{pid}.txt", self.passages[pid][1], None, None, self.passages[pid][2], "other",
                             None, None, "1", None)] for pid in ids if pid in self.passages}


def test_a_passage_matches_by_its_documents_period_or_by_the_period_it_states():
    catalogue = Documents({
        "this year": ("There were 158 victims.", "Analysis: October 2022 to September 2023", "2024-10-31"),
        "last year": ("There were 132 victims.", "Key findings: September 2021 to October 2022", "2024-10-31"),
        "states it": ("In 2022-23, over 50,000 people were supported.", "Safe accommodation", None),
        "undated": ("There were many victims.", "Domestic homicide reviews", None),
    })
    got = year_matches(catalogue, ["this year", "last year", "states it", "undated"], asked_years("in 2022-23"))
    assert got == {"this year": 1.0, "last year": 0.5, "states it": 1.0}


# --- a number question's subject -----------------------------------------------------------------


@pytest.mark.parametrize(("query", "subject"), [
    ("how many reviews went to the quality assurance panel between September 2022 and October 2023",
     {"revie", "went"}),
    ("what percentage of victims in 2022 to 2023 took their own life", {"victi"}),
    ("how many of the 2022-23 victims had been a couple with their killer", {"victi"}),
    ("how many domestic homicide victims were there", {"domes", "homic", "victi"}),
])
def test_a_number_question_counts_the_words_just_after_its_frame(query, subject):
    assert subject_words(query) == subject


def test_without_a_frame_to_follow_every_content_word_is_the_subject():
    assert subject_words("pensioners are killed at home out of proportion to their numbers") == {
        "pensi", "kille", "home"}


def test_a_figure_counts_when_it_stands_next_to_what_the_question_counts():
    subject = subject_words("how many reviews went to the quality assurance panel in 2022-23")
    assert figure_near_subject("This report summaries information from 153 Reviews.", subject)
    assert not figure_near_subject(
        "Reviews which went before the Quality Assurance Panel for the 12 months between September 2022 and "
        "October 2023 are summarised here.", subject)
    victims = subject_words("what share of victims had been abused before")
    assert figure_near_subject("Thirty-one per cent (49) of the victims died by suicide.", victims)
    assert figure_near_subject("36% of victims had been targeted previously.", victims)
    assert not figure_near_subject("The 2022-23 report names the victims.", victims)  # a year is no figure


def test_reviews_and_dhrs_count_the_same_things():
    # The knowledge base's reviews are domestic homicide reviews, whichever word the question or the report uses.
    assert figure_near_subject("In excess of 400 DHRs have been completed.", subject_words("how many reviews"))
    assert figure_near_subject("The panel saw 153 reviews.", subject_words("how many DHRs went to the panel"))
    assert not figure_near_subject("In excess of 400 DHRs have been completed.", subject_words("how many victims"))


def test_a_question_about_money_finds_a_sum_of_money():
    subject = subject_words("how much money has government given councils for the duty")
    assert figure_near_subject("The government has provided £377.3 million to local authorities.", subject)
    assert not figure_near_subject("Over 50,000 people were supported in 2022-23.", subject)


# --- in the pipeline -----------------------------------------------------------------------------

REPORTS = {  # two annual reports with the same wording, a year apart; last year's says one query word more
    "ho_2122": ("Key findings from domestic homicide reviews: 2021 to 2022",
                "In the reviews there were 132 victims; victims killed by a partner were half of them."),
    "ho_2223": ("Key findings from domestic homicide reviews: 2022 to 2023",
                "In the reviews there were 158 victims; those killed by a partner were 51 per cent of them."),
    "refuge": ("Safe accommodation", "Victims of abuse were supported in refuges and dispersed housing."),
    "panel": ("Review panels", "A panel of agencies reviews each death and meets the family of the victim."),
    "training": ("Training", "Staff were trained to ask about abuse by a partner at every appointment."),
    "minutes": ("Committee minutes", "Members asked how many reviews were in progress across the county."),
    "qa_period": ("Quality assurance", "Reviews went before the quality assurance panel for the 12 months to March."),
    "qa_count": ("Quality assurance summary", "The panel summarised information from 153 reviews."),
}


@pytest.fixture(scope="module")
def annual_reports(tmp_path_factory):
    docs = tmp_path_factory.mktemp("reports")
    for stem, (title, text) in REPORTS.items():
        (docs / f"{stem}.txt").write_text(f"{title}\n\n{text}\n", encoding="utf-8")
        meta = {"title": title, "date": "2024-10-31", "type": "research"}
        (docs / f"{stem}.txt.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    settings = Settings(db=tmp_path_factory.mktemp("kb") / "kb")
    settings.ensure_dirs()
    catalogue, vectors, embedder = Catalogue(settings.catalogue_path), VectorStore(settings), FakeEmbedder()
    report = Ingestor(catalogue, vectors, embedder, ThemeTagger()).run([docs])
    assert not report.failed
    yield catalogue, vectors, embedder
    catalogue.close()


def first_report(annual_reports, text: str, ranking: Ranking) -> str:
    results = search(Query(text, top=5, per_doc=None), *annual_reports, highlights=False, ranking=ranking)
    return Path(results[0].sources[0].path).stem


def test_a_query_naming_a_year_prefers_that_years_report(annual_reports):
    query = "how many victims in the reviews were killed by a partner in 2022-23"
    assert first_report(annual_reports, query, BEFORE_YEARS) == "ho_2122"  # the words alone pick last year's
    assert first_report(annual_reports, query, Ranking()) == "ho_2223"
    assert first_report(annual_reports, query.replace("2022-23", "2021/22"), Ranking()) == "ho_2122"


def test_a_number_question_prefers_the_figure_on_what_it_counts(annual_reports):
    query = "how many reviews went before the quality assurance panel"
    assert first_report(annual_reports, query, BEFORE_YEARS) == "qa_period"  # "12 months" is a figure too
    assert first_report(annual_reports, query, Ranking()) == "qa_count"


def test_the_highlight_of_a_number_question_is_the_figure_on_what_it_counts():
    text = "Most went before the panel within 12 months. In all the panel saw 153 reviews from the partnerships."
    embedder = FakeEmbedder()
    query = "how many reviews went before the panel"
    passage = Excerpt("p", text, 1.0, (), ())
    plain = add_highlights([passage], embedder.encode_query(query), embedder, max_each=1, figures=True)[0]
    counted = add_highlights([passage], embedder.encode_query(query), embedder, max_each=1, figures=True,
                             counted=subject_words(query))[0]
    assert plain.highlights == ("Most went before the panel within 12 months.",)
    assert counted.highlights == ("In all the panel saw 153 reviews from the partnerships.",)


class OneDocument:
    """The catalogue reads of the neighbour step, for passages read in order from one document."""

    def __init__(self, texts: dict[str, str], vectors: dict[str, bytes]) -> None:
        self.texts, self.vectors, self.order = texts, vectors, list(texts)

    def sources(self, ids):
        return {pid: [Source("doc", "/doc.txt", "Doc", None, None, None, "other", None, None, "1", None)]
                for pid in ids if pid in self.texts}

    def neighbours(self, doc_id, pid):
        i = self.order.index(pid)
        return [p for p in self.order[max(i - 1, 0): i + 2] if p != pid]

    def passage_texts(self, ids):
        return {pid: (self.texts[pid], ()) for pid in ids if pid in self.texts}

    def sentence_vectors(self, ids):
        return {pid: self.vectors[pid] for pid in ids if pid in self.vectors}


def test_a_neighbour_stating_the_figure_on_what_is_counted_takes_its_place():
    import numpy as np

    from index.search import let_neighbours_compete
    from kb.sentences import pack

    def unit(*values: float) -> np.ndarray:
        v = np.array(values, dtype=np.float32)
        return v / np.linalg.norm(v)

    catalogue = OneDocument(
        {"period": "Reviews went before the quality assurance panel for the 12 months to March.",
         "count": "The panel summarised information from 153 reviews."},
        {"period": pack(np.stack([unit(1, 0.1, 0, 0)])), "count": pack(np.stack([unit(1, 1, 0, 0)]))},
    )
    query = "how many reviews went before the quality assurance panel"
    ranked = [("period", 1.0), ("elsewhere", 0.5)]
    plain = let_neighbours_compete(ranked, unit(1, 0, 0, 0), catalogue)
    counted = let_neighbours_compete(ranked, unit(1, 0, 0, 0), catalogue,
                                     counted=subject_words(query, counted_only=True))
    assert [pid for pid, _ in plain] == ["period", "elsewhere"]  # its own sentence is closer to the query
    assert [pid for pid, _ in counted] == ["count", "period", "elsewhere"]


def test_only_a_question_that_names_what_it_counts_has_counted_words():
    assert subject_words("pensioners are killed at home out of proportion to their numbers", counted_only=True) == set()
    assert subject_words("how many reviews were completed", counted_only=True) == {"revie"}


def test_the_year_and_figure_steps_are_on_by_default_and_off_in_the_earlier_rankings():
    from index.search import BASELINE

    on = Ranking()
    assert on.years > 0 and on.figure_near > 0 and on.neighbour_figures
    for before in (BEFORE_YEARS, BASELINE):
        assert before.years == 0 and before.figure_near == 0 and not before.neighbour_figures
