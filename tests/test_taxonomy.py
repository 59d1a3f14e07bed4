"""The theme taxonomy (kb/data/themes.toml) and its loader."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from kb.taxonomy import GROUPS, TaxonomyError, UnknownThemeError, load_taxonomy

EXPECTED_IDS = """
intimate_partner_homicide adult_family_homicide parricide homicide_suicide suspected_victim_suicide
children_present coercive_control economic_abuse physical_abuse emotional_abuse sexual_abuse separation
stalking honour_based_abuse forced_marriage faith_based_marriage risk_assessment marac
idva_specialist_services information_sharing multi_agency_working professional_curiosity gp_primary_care
mental_health alcohol drugs toxic_trio suicide_self_harm firearms_weapons non_fatal_strangulation older_people
disability_care_needs pregnancy immigration_nrpf language_interpreters male_victims lgbt_victims housing
criminal_justice perpetrator_history family_friends_knowledge training_awareness covid19
record_keeping_supervision
""".split()

# Home Office DHR library tags that must map onto a theme.
HOME_OFFICE_TAGGED = """
intimate_partner_homicide adult_family_homicide parricide homicide_suicide suspected_victim_suicide
children_present coercive_control economic_abuse physical_abuse emotional_abuse sexual_abuse separation
stalking honour_based_abuse forced_marriage faith_based_marriage
""".split()

PRACTICE_THEMES_COUNTED_UNDER_NEGATION = [
    "marac",
    "information_sharing",
    "multi_agency_working",
    "risk_assessment",
    "professional_curiosity",
    "idva_specialist_services",
    "gp_primary_care",
    "training_awareness",
    "record_keeping_supervision",
    "criminal_justice",
    "family_friends_knowledge",
]


@pytest.fixture(scope="module")
def tax():
    return load_taxonomy()


def test_the_packaged_taxonomy_loads_with_a_version(tax):
    assert tax.version == "11"
    assert len(tax) == len(EXPECTED_IDS)


def test_theme_ids_are_exactly_the_agreed_ids_and_unique(tax):
    assert sorted(tax.ids()) == sorted(EXPECTED_IDS)
    assert len(set(tax.ids())) == len(tax.ids())


def test_every_theme_is_complete(tax):
    for theme in tax:
        assert theme.label and theme.definition, theme.id
        assert theme.group in GROUPS, theme.id
        assert theme.all_phrases() or theme.token_patterns, f"{theme.id} has no patterns"
        assert len(theme.examples_pos) >= 2, f"{theme.id} needs 2+ positive examples"
        assert len(theme.examples_neg) >= 2, f"{theme.id} needs 2+ negative examples"
        assert isinstance(theme.negatable, bool)


def test_home_office_library_tags_are_covered(tax):
    for tid in HOME_OFFICE_TAGGED:
        assert tax.get(tid).home_office_tag, tid


def test_practice_themes_count_even_when_negated(tax):
    # "No referral was made to MARAC" is MARAC learning, so these themes are not negatable.
    for tid in PRACTICE_THEMES_COUNTED_UNDER_NEGATION:
        assert tax.get(tid).negatable is False, tid


def test_risk_factors_and_abuse_types_are_negatable(tax):
    for theme in tax:
        if theme.group in ("risk_factor", "abuse_type", "case_type"):
            assert theme.negatable, theme.id


def test_themes_are_frozen(tax):
    with pytest.raises(dataclasses.FrozenInstanceError):
        tax.get("marac").label = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    "name, expected",
    [
        ("marac", "marac"),
        ("MARAC", "marac"),
        ("Coercive and controlling behaviour", "coercive_control"),
        ("coercive_control", "coercive_control"),
        ("Non-fatal strangulation", "non_fatal_strangulation"),
        ("non fatal strangulation", "non_fatal_strangulation"),
        ("  covid19 ", "covid19"),
        ("COVID-19 restrictions", "covid19"),
    ],
)
def test_resolve_accepts_an_id_or_a_label_in_any_case(tax, name, expected):
    assert tax.resolve(name).id == expected


def test_resolve_rejects_an_unknown_name_with_suggestions(tax):
    with pytest.raises(UnknownThemeError) as err:
        tax.resolve("marak")
    assert err.value.suggestions[0] == "marac"
    assert "did you mean" in str(err.value)


def test_get_needs_an_exact_id(tax):
    assert tax.get("alcohol").label == "Alcohol"
    with pytest.raises(UnknownThemeError):
        tax.get("Alcohol")


@pytest.mark.parametrize(
    "name, expected",
    [
        ("marak", "marac"),
        ("coercive controll", "coercive_control"),
        ("strangulation", "non_fatal_strangulation"),
        ("domestic homicide suicide", "homicide_suicide"),
        ("interpreter", "language_interpreters"),
    ],
)
def test_suggest_returns_nearest_ids(tax, name, expected):
    assert expected in tax.suggest(name)


def test_suggest_returns_nothing_for_nonsense(tax):
    assert tax.suggest("zzzzqqq") == []


def test_implied_themes_are_closed_over(tax):
    assert tax.with_implied({"parricide"}) == {"parricide", "adult_family_homicide"}
    assert "physical_abuse" in tax.with_implied({"non_fatal_strangulation"})
    assert tax.with_implied(set()) == set()


def test_load_taxonomy_is_cached(tax):
    assert load_taxonomy() is tax


def test_load_taxonomy_from_an_explicit_path(tmp_path: Path):
    path = tmp_path / "mini.toml"
    path.write_text(
        'version = "9"\n'
        "[[themes]]\n"
        'id = "x"\nlabel = "X"\ngroup = "context"\ndefinition = "d"\nnegatable = true\n'
        'patterns = ["xylophone"]\nexamples_pos = ["a xylophone", "xylophones"]\nexamples_neg = ["a", "b"]\n',
        encoding="utf-8",
    )
    tax = load_taxonomy(path)
    assert tax.version == "9" and tax.ids() == ["x"]
    assert tax.get("x").home_office_tag is None


_MINI_THEME = (
    '[[themes]]\nid="a"\nlabel="A"\ngroup="context"\ndefinition="d"\nnegatable=true\npatterns=["a"]\n'
)


@pytest.mark.parametrize(
    "body, message",
    [
        (
            '[[themes]]\nid="a"\nlabel="A"\ngroup="context"\ndefinition="d"\nnegatable=true\npatterns=["a"]\n',
            "version",
        ),
        ('version="1"\n', "no themes"),
        (
            'version="1"\n' + _MINI_THEME * 2,
            "duplicate",
        ),
        (
            'version="1"\n[[themes]]\nid="a"\nlabel="A"\ngroup="weird"\ndefinition="d"\nnegatable=true\npatterns=["a"]\n',
            "group",
        ),
        (
            'version="1"\n[[themes]]\nid="a"\nlabel="A"\ngroup="context"\ndefinition="d"\nnegatable=true\n',
            "no patterns",
        ),
        (
            'version="1"\n[[themes]]\nid="a"\nlabel="A"\ngroup="context"\ndefinition="d"\nnegatable=true\npatterns=["a"]\nimplies=["b"]\n',
            "implies unknown",
        ),
        ('version = "1"\n[[themes]\n', "bad.toml"),
        ('version="1"\ncontext = "x"\n' + _MINI_THEME, "context"),
        ('version="1"\n[context]\norganisations = [""]\n' + _MINI_THEME, "organisations"),
        ('version="1"\n[context]\norganisation_patterns = [[]]\n' + _MINI_THEME, "organisation_patterns"),
        ('version="1"\n[context]\ndefinition_patterns = [[]]\n' + _MINI_THEME, "definition_patterns"),
        ('version="1"\n[context]\ndefinition_cues = [""]\n' + _MINI_THEME, "definition_cues"),
        ('version="1"\n' + _MINI_THEME + '[[themes.requires]]\nexact=[""]\nunless=["c"]\n', "exact"),
        (
            'version="1"\n' + _MINI_THEME + '[[themes.requires]]\npatterns=["b"]\ncontext=["c"]\nscope="document"\n',
            "scope",
        ),
    ],
)
def test_malformed_taxonomies_are_rejected_with_a_reason(tmp_path: Path, body, message):
    path = tmp_path / "bad.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(TaxonomyError, match=message):
        load_taxonomy(path)


def test_the_context_rules_are_data_in_the_taxonomy(tax):
    ctx = tax.context
    assert {"Children's Services", "Adult Social Care", "Drug and Alcohol Team", "Mental Health Trust"} <= set(
        ctx.organisations
    )
    assert "terms_of_reference" in ctx.question_sections
    assert {"were", "did", "to consider", "whether"} <= set(ctx.question_openers)
    # what marks a quoted definition, and what shows a sentence applies one to a case
    assert {"defined as", "any incident or pattern of incidents", "a range of acts designed"} <= set(
        ctx.definition_cues
    )
    assert ctx.definition_patterns and {"met", "fell", "she", "mr"} <= set(ctx.definition_applied)


def test_a_requires_rule_can_match_a_word_as_written_rather_than_its_lemma(tmp_path: Path):
    # "housing" has the lemma "house": an `exact` phrase matches the word itself only
    path = tmp_path / "mini.toml"
    path.write_text(
        'version = "1"\n' + _MINI_THEME + '[[themes.requires]]\nexact=["housing"]\ncontext=["need"]\n',
        encoding="utf-8",
    )
    theme = load_taxonomy(path).get("a")
    assert theme.requires[0].exact == ("housing",) and theme.requires[0].patterns == ()
    assert "housing" in theme.all_phrases()


def test_a_taxonomy_without_a_context_table_has_no_context_rules(tmp_path: Path):
    path = tmp_path / "mini.toml"
    path.write_text('version = "1"\n' + _MINI_THEME, encoding="utf-8")
    ctx = load_taxonomy(path).context
    assert ctx.organisations == () and ctx.question_sections == () and ctx.question_openers == ()
    assert ctx.definition_cues == () and ctx.definition_patterns == () and ctx.definition_applied == ()


def test_the_firearms_theme_is_defined_with_tested_examples(tax):
    theme = tax.get("firearms_weapons")
    assert theme.negatable and theme.group == "risk_factor"
    assert "shotgun" in theme.definition and "licensing" in theme.definition
    assert len(theme.examples_pos) >= 3 and len(theme.examples_neg) >= 3
