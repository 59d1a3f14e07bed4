"""Messages say what is true: a filter that matches no document is not an empty knowledge base, an
unknown theme gets a real suggestion, an option is named as it was typed, and every file an export
writes is private.

A small real knowledge base (real SQLite and Chroma, the fake embedder); the model never loads,
because a filter is checked before anything is searched.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from index.stores import Stores
from kb.catalogue import Catalogue
from kb.errors import FilterError
from kb.query import Filters

runner = CliRunner()


@pytest.fixture
def kb(small_kb: Path) -> Path:
    return small_kb


@pytest.fixture(autouse=True)
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self):  # noqa: ANN001, ANN202
        raise AssertionError("the model was loaded although the filter matches no document")

    monkeypatch.setattr(Stores, "embedder", property(refuse))


def error_line(kb: Path, *args: str) -> str:
    result = runner.invoke(app, [*args, "--db", str(kb)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0].removeprefix("Error: ")


AREA_TYPO = ("no documents match --area Northbrige; areas in the knowledge base: Eastmoor, Northbridge, Westvale "
             "(did you mean Northbridge?)")
FILTERING_COMMANDS = [
    ("themes",),
    ("themes", "--by", "year"),
    ("themes", "--with", "alcohol"),
    ("themes", "show", "alcohol"),
    ("extract", "--theme", "alcohol"),
    ("recommendations",),
    ("evidence", "information sharing"),
    ("ask", "information sharing"),
]


@pytest.mark.parametrize("command", FILTERING_COMMANDS, ids=" ".join)
def test_a_misspelt_area_is_named_with_the_areas_there_are_in_every_command(kb: Path, command):  # noqa: ANN001
    assert error_line(kb, *command, "--area", "Northbrige") == AREA_TYPO


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--since", "2030"], "no documents match --since 2030; the documents are dated 2019-05-01 to 2023-01-10"),
        (["--area", "Northbridge", "--since", "2022"], "no documents match --area Northbridge and --since 2022 "
                                                       "together"),
        (["--type", "committee_minutes", "--area", "Westvale"], "no documents match --type committee_minutes and "
                                                                "--area Westvale together"),
        (["--type", "dhr_executive_summary"], "no documents match --type dhr_executive_summary; types in the "
                                              "knowledge base: committee_minutes, committee_report, "
                                              "dhr_overview_report, other"),
        (["--relationship", "husbnd"], "no documents match --relationship husbnd; relationships in the knowledge "
                                       "base: partner, son"),
        (["--death-year", "-5"], "--death-year -5 is not a year (use YYYY, e.g. 2019)"),
        (["--death-year", "2019"], "no documents match --death-year 2019; years of death in the knowledge base: "
                                   "none (no document states it)"),
    ],
)
def test_filters_that_match_no_document_say_so_naming_the_option_typed(kb: Path, options, message):  # noqa: ANN001
    for command in (("themes",), ("themes", "show", "alcohol")):
        assert error_line(kb, *command, *options) == message


def test_the_same_filters_match_when_spelt_right(kb: Path):
    result = runner.invoke(app, ["themes", "--area", "northbridge", "--db", str(kb)])
    assert result.exit_code == 0, result.output
    assert "1 review, 1 document (area northbridge)" in result.output


def test_a_form_names_the_field_not_an_option(kb: Path):
    catalogue = Catalogue(kb / "catalogue.sqlite3", read_only=True)
    with pytest.raises(FilterError) as caught:
        catalogue.check_filters(Filters.build(area="Northbrige", victim_sex="female"))
    assert str(caught.value).startswith("no documents match area 'Northbrige'; areas in the knowledge base:")
    with pytest.raises(FilterError, match=r"^year of death '19' is not a year"):
        Filters.build(year_of_death="19")


def test_an_empty_knowledge_base_is_not_a_filter_that_matches_nothing(tmp_path: Path):
    with pytest.raises(FilterError, match="the knowledge base holds no documents yet"):
        Filters.build(area="Northbridge").check_matches([])


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("zzqx", "unknown theme 'zzqx': no theme has this id or label; `dhr themes --all` lists them"),
        ("alcohole", "unknown theme 'alcohole'; did you mean: alcohol?"),
    ],
)
def test_an_unknown_theme_gets_a_real_suggestion_or_where_to_look(kb: Path, name: str, message: str):
    assert error_line(kb, "themes", "show", name) == message
    assert error_line(kb, "ask", "refuge", "--theme", name) == message


def test_the_chart_is_private_like_every_other_export(kb: Path, tmp_path: Path):
    copy = tmp_path / "kb"
    shutil.copytree(kb, copy)
    chart = tmp_path / "board" / "themes.png"
    result = runner.invoke(app, ["themes", "--chart", str(chart), "--db", str(copy)])
    assert result.exit_code == 0, result.output
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert chart.stat().st_mode & 0o777 == 0o600
    assert not [p for p in chart.parent.iterdir() if p != chart]  # no temporary file left beside it
