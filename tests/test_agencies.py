"""Agencies by any name: a recommendation addressed to "Hartshire Constabulary" is for the police.

The kinds and their local names are data (kb/data/agencies.toml); kb/agencies.py normalises a
printed name to kinds, and the register's `--agency` matches a kind or any part of the printed name.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli import app
from kb.agencies import agency_kinds, agency_kinds_table, agency_matches, kinds_named

runner = CliRunner()


@pytest.mark.parametrize(
    ("printed", "kinds"),
    [
        ("Hartshire Constabulary", {"police"}),
        ("Arden Vale Police", {"police"}),
        ("the Metropolitan Police Service", {"police"}),
        ("Office of the Police and Crime Commissioner", {"pcc"}),  # not the police
        ("Wendmoor Partnership NHS Foundation Trust", {"health"}),
        ("Northbridge GP Federation", {"health"}),
        ("NHS Hartshire Integrated Care Board", {"health"}),
        ("Hartshire ICB", {"health"}),
        ("East of England Ambulance Service", {"health"}),
        ("Fellside Mental Health NHS Trust", {"health", "mental_health"}),
        ("National Probation Service", {"probation"}),
        ("Hartshire CRC", {"probation"}),
        ("Fellside County Council Children's Services", {"children_social_care", "local_authority"}),
        ("Wendmoor County Council Adult Social Care", {"adult_social_care", "local_authority"}),
        ("Northbridge Homes Housing Association", {"housing"}),
        ("Rosshaven Domestic Abuse Service", {"domestic_abuse_services"}),
        ("the IDVA service", {"domestic_abuse_services"}),
        ("Fellside Women's Aid", {"domestic_abuse_services"}),
        ("Change Grow Live", {"substance_misuse"}),
        ("Drug and Alcohol Team", {"substance_misuse"}),
        ("Ashworth College", {"education"}),
        ("DWP / Jobcentre Plus", {"dwp"}),
        ("Kelsey Vale Community Safety Partnership", {"community_safety_partnership"}),
        ("Crown Prosecution Service", {"courts"}),
        ("ADDAS", set()),  # a local acronym says nothing by itself
    ],
)
def test_a_printed_agency_name_is_normalised_to_its_kinds(printed, kinds):
    assert set(agency_kinds(printed)) == kinds


def test_a_kind_is_named_by_its_id_label_or_a_local_name_but_a_full_name_is_one_agency():
    assert kinds_named("police") == kinds_named("Constabulary") == {"police"}
    assert kinds_named("children's social care") == kinds_named("children_social_care") == {"children_social_care"}
    assert kinds_named("ICB") == {"health"}
    assert kinds_named("Hartshire Constabulary") == set()  # one force, matched by its name


def test_agency_matching_is_by_kind_or_by_part_of_the_printed_name():
    assert agency_matches("police", "Hartshire Constabulary")
    assert agency_matches("Hartshire", "Hartshire Constabulary")
    assert not agency_matches("Hartshire Constabulary", "Arden Vale Police")
    assert not agency_matches("constabulary", "Office of the Police and Crime Commissioner")
    assert not agency_matches("police", None)


def test_every_kind_has_an_id_a_label_and_names():
    ids = [k.id for k in agency_kinds_table()]
    assert len(ids) == len(set(ids)) >= 15
    assert all(k.label and k.pattern.pattern for k in agency_kinds_table())


@pytest.fixture(scope="module")
def corpus_kb(tmp_path_factory):
    from tests.test_themes_cli import corpus_catalogue

    return corpus_catalogue(tmp_path_factory.mktemp("agencies") / "kb")


def test_the_register_finds_the_constabularys_recommendations_under_police(corpus_kb):
    result = runner.invoke(app, ["recommendations", "--agency", "police", "--json", "--db", str(corpus_kb)])
    assert result.exit_code == 0, result.output
    police = json.loads(result.output)
    agencies = {r["agency"] for r in police}
    assert {"Hartshire Constabulary", "Fellside Constabulary", "Arden Vale Police"} <= agencies
    assert all("police" in r["agency_kind"] for r in police)
    everything = json.loads(runner.invoke(app, ["recommendations", "--json", "--db", str(corpus_kb)]).output)
    missed = [r for r in everything if "police" in r["agency_kind"] and r not in police]
    assert not missed and len(police) < len(everything)


def test_the_register_csv_has_the_normalised_kind_next_to_the_printed_agency(corpus_kb):
    import csv
    import io

    out = runner.invoke(app, ["recommendations", "--csv", "--db", str(corpus_kb)]).output
    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    columns = list(rows[0])
    assert columns[columns.index("agency") + 1] == "agency_kind"
    nhs = next(r for r in rows if r["agency"] == "Wendmoor Partnership NHS Foundation Trust")
    assert nhs["agency_kind"] == "health"
