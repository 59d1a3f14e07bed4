"""The spaCy theme tagger: matching, negation, hypotheticals, acronyms and the public API."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import spacy
from spacy.matcher import Matcher

from kb.tagger import Search, ThemeMention, ThemeTagger, default_tagger, requirements
from kb.taxonomy import load_taxonomy

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
TAXONOMY = load_taxonomy()


@pytest.fixture(scope="module")
def tagger() -> ThemeTagger:
    return ThemeTagger()


def statuses(tagger: ThemeTagger, text: str, theme: str) -> list[str]:
    return [m.status for m in tagger.mentions(text) if m.theme_id == theme]


# ----------------------------------------------------------------------------- the taxonomy's own examples


@pytest.mark.parametrize(
    "theme_id, text", [(t.id, ex) for t in TAXONOMY for ex in t.examples_pos], ids=lambda v: v[:40]
)
def test_each_positive_example_is_tagged_with_its_theme(tagger, theme_id, text):
    assert theme_id in tagger.tag(text)


@pytest.mark.parametrize(
    "theme_id, text", [(t.id, ex) for t in TAXONOMY for ex in t.examples_neg], ids=lambda v: v[:40]
)
def test_each_negative_example_is_not_tagged_with_its_theme(tagger, theme_id, text):
    assert theme_id not in tagger.tag(text)


# ----------------------------------------------------------------------------- negation


def test_a_negated_risk_factor_is_not_counted(tagger):
    text = "There was no evidence of alcohol misuse."
    assert statuses(tagger, text, "alcohol") == ["negated"]
    assert tagger.tag(text) == []


def test_negation_after_the_mention_does_not_negate_it(tagger):
    # the practice failure is the point: the alcohol use was real
    assert "alcohol" in tagger.tag("Mr B's alcohol use was not explored.")


def test_not_known_to_services_negates_the_service_theme(tagger):
    text = "He was not known to mental health services."
    assert statuses(tagger, text, "mental_health") == ["negated"]
    assert "mental_health" not in tagger.tag(text)


@pytest.mark.parametrize(
    "text, theme",
    [
        ("Agencies did not recognise the coercive and controlling behaviour.", "coercive_control"),
        ("The GP did not ask about his alcohol use.", "alcohol"),
        (
            "The significance of the earlier non-fatal strangulation was not recognised.",
            "non_fatal_strangulation",
        ),
        ("English was not her first language and no interpreter was offered.", "language_interpreters"),
    ],
)
def test_negating_what_professionals_did_leaves_the_theme_present(tagger, text, theme):
    assert theme in tagger.tag(text)


@pytest.mark.parametrize(
    "text, theme",
    [
        ("He had no previous convictions.", "perpetrator_history"),
        ("She was not pregnant at the time of her death.", "pregnancy"),
        ("There were no children in the household.", "children_present"),
        ("She denied any thoughts of self-harm or suicide.", "suicide_self_harm"),
        ("There was nothing to suggest honour-based abuse was a factor.", "honour_based_abuse"),
        ("Adult A did not disclose any sexual violence to her GP.", "sexual_abuse"),
        ("There was no evidence of alcohol, drug or mental health problems.", "mental_health"),
        ("Adult A had never been in contact with the council's housing service.", "housing"),
    ],
)
def test_negation_cues_scope_over_the_mention(tagger, text, theme):
    assert "negated" in statuses(tagger, text, theme)
    assert theme not in tagger.tag(text)


@pytest.mark.parametrize(
    "text, theme",
    [
        ("There was no police involvement, but the assault left her with bruising.", "physical_abuse"),
        ("Although there was no police involvement, the assault left her with bruising.", "physical_abuse"),
        ("She denied any thoughts of self-harm but said she felt anxious all the time.", "mental_health"),
        ("He no longer drank alcohol after his heart attack in 2015.", "alcohol"),
    ],
)
def test_negation_scope_is_broken_by_but_however_and_clause_boundaries(tagger, text, theme):
    assert theme in tagger.tag(text)


def test_practice_themes_count_even_when_negated(tagger):
    text = "There was no MARAC referral."
    assert statuses(tagger, text, "marac") == ["negated"]
    assert "marac" in tagger.tag(text)
    assert "marac" in tagger.tag("No referral was made to MARAC.")
    assert "information_sharing" in tagger.tag("Information about the assault was not shared with the GP.")


# ----------------------------------------------------------------------------- hypotheticals


def test_an_inverted_conditional_is_hypothetical(tagger):
    text = "Had she been asked about abuse, she might have disclosed the strangulation."
    assert statuses(tagger, text, "non_fatal_strangulation") == ["hypothetical"]
    assert "non_fatal_strangulation" not in tagger.tag(text)
    # routine enquiry is practice learning and still counts
    assert "professional_curiosity" in tagger.tag(text)


@pytest.mark.parametrize(
    "text, theme",
    [
        ("Alcohol may have been a factor in the assault.", "alcohol"),
        ("It is possible that he was using cocaine.", "drugs"),
        ("If the GP had known about his alcohol misuse, a referral could have been made.", "alcohol"),
        ("The panel considered whether honour-based abuse was a factor.", "honour_based_abuse"),
        ("She might have been pregnant.", "pregnancy"),
    ],
)
def test_uncertain_or_conditional_mentions_are_hypothetical(tagger, text, theme):
    assert statuses(tagger, text, theme) == ["hypothetical"]
    assert theme not in tagger.tag(text)


@pytest.mark.parametrize(
    "text, theme",
    [
        # the consequence clause of a threat is what he said, not a supposition
        ("He told her that if she ever left him he would kill her.", "emotional_abuse"),
        # counterfactual practice does not cast doubt on the facts
        ("A referral to the alcohol service should have been made.", "alcohol"),
        (
            "Had agencies shared information, the coercive control would have been recognised.",
            "coercive_control",
        ),
    ],
)
def test_would_and_should_have_do_not_make_the_facts_hypothetical(tagger, text, theme):
    assert theme in tagger.tag(text)


# ----------------------------------------------------------------------------- acronyms and look-alikes


@pytest.mark.parametrize(
    "text, theme, expected",
    [
        ("Where someone is in immediate danger, always dial 999.", "risk_assessment", False),
        ("Staffordshire Police reviewed the DIAL risk tool.", "risk_assessment", True),
        ("She made a dash for the door.", "risk_assessment", False),
        ("The DASH was graded standard.", "risk_assessment", True),
        ("He ate mash and gravy.", "multi_agency_working", False),
        ("The MASH screened the notification.", "multi_agency_working", True),
        ("The helpline is run by Women's Aid and Refuge.", "housing", False),
        ("A refuge place was found in Leeds.", "housing", True),
        ("Her iris was damaged in the assault.", "gp_primary_care", False),
        ("The practice joined the IRIS programme.", "gp_primary_care", True),
        ("She took the train to her mother's.", "training_awareness", False),
        ("Calls are charged at a local rate.", "criminal_justice", False),
        ("He was charged with assault.", "criminal_justice", True),
        ("They met at the tennis court.", "criminal_justice", False),
        ("The police control room graded the call.", "coercive_control", False),
    ],
)
def test_acronyms_and_ambiguous_words(tagger, text, theme, expected):
    assert (theme in tagger.tag(text)) is expected


def test_statutory_dhr_definition_does_not_tag_lgbt_or_physical_abuse(tagger):
    text = (
        "A person with whom they were or had been in an intimate personal relationship, regardless of "
        "gender or sexuality, held with a view to identifying lessons from a death resulting from "
        "violence, abuse or neglect."
    )
    tags = tagger.tag(text)
    assert "lgbt_victims" not in tags and "physical_abuse" not in tags


def test_implied_themes_are_tagged(tagger):
    tags = tagger.tag("Mrs D, aged 81, was killed by her adult son.")
    assert {"parricide", "adult_family_homicide", "older_people"} <= set(tags)
    assert "physical_abuse" in tagger.tag("He put his hands around her neck until she passed out.")


# ----------------------------------------------------------------------------- API


def test_mentions_carry_character_offsets_into_the_original_text(tagger):
    text = "In 2019 West Mercia Women\u2019s Aid supported her.\u00a0The GP was told."
    mentions = tagger.mentions(text)
    assert {m.theme_id for m in mentions} >= {"idva_specialist_services", "gp_primary_care"}
    for m in mentions:
        assert isinstance(m, ThemeMention)
        assert text[m.start : m.end] == m.text
        assert m.status in {"present", "negated", "hypothetical"}


def test_tag_returns_sorted_ids_and_handles_empty_text(tagger):
    tags = tagger.tag("The IDVA referred her to MARAC after the DASH was graded high risk.")
    assert tags == sorted(tags) == ["idva_specialist_services", "marac", "risk_assessment"]
    assert tagger.tag("") == []
    assert tagger.mentions("   \n ") == []


def test_tag_many_equals_mentions_for_each_text(tagger):
    texts = [ex for t in TAXONOMY for ex in (*t.examples_pos, *t.examples_neg)]
    assert tagger.tag_many(texts, batch_size=7) == [tagger.mentions(t) for t in texts]
    assert tagger.tag_many([]) == []


def test_the_pipeline_is_blank_english_with_a_lookup_lemmatizer(tagger):
    assert tagger.nlp.lang == "en"
    assert tagger.nlp.pipe_names == ["dhr_lower_lemma", "sentencizer"]  # it looks up the lemmatizer's table
    assert tagger.nlp.get_pipe("lemmatizer").mode == "lookup"
    doc = tagger.nlp("Drinking Strangled children")
    assert [t.lemma_ for t in doc] == ["drink", "strangle", "child"]


def test_lemmas_are_spacys_lookup_lemmas_lower_cased_and_capitalised_words_looked_up_in_lower_case(tagger):
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    text = "\n".join(f.read_text() for f in sorted(SEEDS.glob("*.txt")))
    expected = [t.lemma_.lower() if t.text == t.lower_ else table.get(t.lower_, t.lemma_.lower()).lower()
                for t in nlp(text)]
    for _ in range(2):  # the second time from what it remembers
        assert [t.lemma_ for t in tagger.nlp(text)] == expected


def test_default_tagger_is_shared():
    assert default_tagger() is default_tagger()


def test_tag_many_is_fast(tagger):
    texts = [" ".join(t.examples_pos + t.examples_neg) for t in TAXONOMY] * 24  # ~1,000 passages
    start = time.perf_counter()
    tagger.tag_many(texts)
    assert time.perf_counter() - start < 20


# ----------------------------------------------------------------------------- a real committee paper


def _seed_paragraphs(name_prefix: str) -> list[str]:
    if not SEEDS.is_dir():
        pytest.skip(f"seed texts not found at {SEEDS} (they live in ../shared/seeds beside the repo)")
    files = sorted(SEEDS.glob(f"{name_prefix}_*.txt"))
    if not files:
        pytest.skip(f"no {name_prefix}_*.txt in {SEEDS}")
    paras, cur = [], []
    for line in files[0].read_text(encoding="utf-8").splitlines():
        if line.strip():
            cur.append(line)
        elif cur:
            paras.append("\n".join(cur))
            cur = []
    if cur:
        paras.append("\n".join(cur))
    return paras


def test_seed_select_committee_report_themes(tagger):
    paras = _seed_paragraphs("002")
    per_para = [tagger.present_ids(ms) for ms in tagger.tag_many(paras)]
    found = {t for tags in per_para for t in tags}
    assert {
        "marac",
        "multi_agency_working",
        "risk_assessment",
        "stalking",
        "toxic_trio",
        "information_sharing",
    } <= found
    # the statutory DHR definition mentions sexuality only to say it does not matter
    assert "lgbt_victims" not in found
    # "always dial 999" is not the DIAL risk tool
    for para, tags in zip(paras, per_para, strict=True):
        if "dial 999" in para and "DIAL" not in para:
            assert "risk_assessment" not in tags


# ----------------------------------------------------------------------------- general rules (themes report)


@pytest.mark.parametrize(
    "text, theme",
    [
        # "known to (services)" is about contact, not about what a professional knew
        ("Neither of them was known to drug and alcohol services.", "drugs"),
        ("Mr T was not known to the community mental health team.", "mental_health"),
        # an anaphoric mention repeats an earlier one: it is not a new threat
        (
            "He said he would take his own life if she left. These threats were never recorded.",
            "emotional_abuse",
        ),
    ],
)
def test_known_to_services_and_anaphora(tagger, text, theme):
    assert theme not in tagger.tag(text)


@pytest.mark.parametrize(
    "text, theme",
    [
        # a hedge on what the theme's subjects do is not doubt that the theme is there
        ("Older victims may be less likely to disclose abuse to their GP.", "older_people"),
        ("Male victims may be reluctant to ask for help.", "male_victims"),
        # a question put in a meeting makes the theme the topic
        (
            "Councillors asked whether refuge provision met the needs of women with disabilities.",
            "disability_care_needs",
        ),
        # "without her children": they exist, they are kept from her
        ("He told her she would be deported without her children.", "children_present"),
        ("The coroner heard that her daughter, then aged 12, was at school that day.", "children_present"),
        # a killing and "by her partner" a few words apart; the partner convicted of her murder
        (
            "Ms L was stabbed in the street outside her home by her estranged husband.",
            "intimate_partner_homicide",
        ),
        ("Her former boyfriend, Mr M, was later convicted of her manslaughter.", "intimate_partner_homicide"),
        ("Mr P was killed at the farm in 2019 by his son.", "parricide"),
        # controlling whom she saw and what she wore is coercive control
        (
            "Her friends said he controlled who she could see and dictated what she could wear.",
            "coercive_control",
        ),
        ("She had no money of her own after he took over her wages.", "economic_abuse"),
        (
            "The information held by the police was not available to the probation officer.",
            "information_sharing",
        ),
    ],
)
def test_general_rules_find_the_theme(tagger, text, theme):
    assert theme in tagger.tag(text)


@pytest.mark.parametrize(
    "text, theme",
    [
        ("Priya was a 27 year old woman who lived with her husband.", "older_people"),
        ("He called him 'an old man' in front of friends.", "older_people"),
        ("She left school at sixteen and trained as a nurse.", "training_awareness"),
        ("The name 'Ruth' was chosen by her family.", "forced_marriage"),
        ("Ms N was killed by her partner and their son was at school.", "adult_family_homicide"),
        # a hedge about whether the theme mattered is still doubt
        ("Drugs may be a factor in some of these cases.", "drugs"),
        ("She applied under Clare's Law to ask whether he had a history of abuse.", "perpetrator_history"),
    ],
)
def test_general_rules_do_not_overreach(tagger, text, theme):
    assert theme not in tagger.tag(text)


def test_a_relative_who_never_saw_it_is_a_witness_not_a_practice_failure(tagger):
    assert "physical_abuse" not in tagger.tag("Her sons said they never saw their father hit her.")
    # a professional not seeing it is still practice learning about something that was there
    assert "physical_abuse" in tagger.tag("The nurse did not see the bruising on her arms.")


# ----------------------------------------------------------------------------- agency names and questions (issue 18)

PANEL = (
    "The review panel comprised representatives of Fellside Constabulary, Fellside County Council "
    "Children's Services, Adult Social Care, the Drug and Alcohol Team, the Mental Health Trust and "
    "Hollinsby Health Centre."
)


@pytest.mark.parametrize(
    "theme", ["children_present", "disability_care_needs", "drugs", "alcohol", "mental_health"]
)
def test_an_agency_on_the_review_panel_is_not_evidence_of_its_theme(tagger, theme):
    assert theme not in tagger.tag(PANEL)


@pytest.mark.parametrize(
    "text",
    [
        "A referral was made to Children's Social Care after the children witnessed the assault.",
        "Police notified Children's Services because Ms A's children lived with her and were at home.",
    ],
)
def test_what_a_passage_says_about_the_children_still_counts_beside_an_agency_name(tagger, text):
    assert "children_present" in tagger.tag(text)


def test_an_agency_name_still_counts_for_the_practice_theme_it_names(tagger):
    # the board's name is masked for the people's themes (care needs), not for the practice it names
    text = "The Safeguarding Adults Partnership Board met in March."
    assert tagger.tag(text) == ["multi_agency_working"]
    text = "The Mental Health Trust did not share information with the police."
    assert tagger.tag(text) == ["information_sharing"]


def test_a_job_title_is_not_evidence_of_the_subject_of_the_job(tagger):
    text = "The panel included the Commissioning Manager for Substance Misuse and a Public Health lead."
    assert "drugs" not in tagger.tag(text)


TOR = (
    "2.2 The panel agreed the following key lines of enquiry:\n"
    "- What did agencies know about the relationship, and were there signs of coercive control or economic abuse?\n"
    "- What did the children tell professionals, and how was it acted upon?"
)
ANALYSIS = (
    "4.4.2 The panel found no evidence of economic abuse; Kayleigh managed her own benefits with help from her mother."
)


def test_a_terms_of_reference_question_is_not_a_finding(tagger):
    assert statuses(tagger, TOR, "economic_abuse") == ["question"]
    assert {"economic_abuse", "coercive_control", "children_present"}.isdisjoint(tagger.tag(TOR))


def test_a_review_that_asked_about_economic_abuse_and_found_none_does_not_count_it(tagger):
    passages = [TOR, ANALYSIS]
    tagged = tagger.tag_many(passages, section_kinds=["terms_of_reference", "analysis"])
    assert not any("economic_abuse" in tagger.present_ids(ms) for ms in tagged)
    # the question stays searchable: the mention is kept, with its status
    assert [m.status for m in tagged[0] if m.theme_id == "economic_abuse"] == ["question"]


def test_a_scope_section_states_no_finding_even_without_a_question_mark(tagger):
    text = "The review considered coercive control, economic abuse and the children's experience."
    assert "economic_abuse" in tagger.tag(text)
    assert "economic_abuse" not in tagger.tag(text, section_kind="terms_of_reference")


@pytest.mark.parametrize(
    "text, theme",
    [
        ("Were there signs of coercive control?", "coercive_control"),
        ("Did agencies recognise the economic abuse", "economic_abuse"),
        ("To consider whether Mr B's alcohol use was known to agencies.", "alcohol"),
        ("Whether there is presence of alcohol, drugs or mental illness;", "drugs"),
        ("c) Was information about Mr H's shotgun certificate shared with his GP?", "firearms_weapons"),
    ],
)
def test_questions_and_scope_items_are_not_findings(tagger, text, theme):
    assert statuses(tagger, text, theme) == ["question"]
    assert theme not in tagger.tag(text)


@pytest.mark.parametrize(
    "text, theme",
    [
        # a conditional is not a question: it stays hypothetical
        ("Had she been asked about abuse, she might have disclosed the strangulation.", "non_fatal_strangulation"),
        # the clause after "but" is a finding
        (
            "Whether Mr B was in crisis could not be established, but he had been prescribed antidepressants.",
            "mental_health",
        ),
        # "I" is not a roman numeral opening a list item
        ("I was told that he controlled her finances.", "economic_abuse"),
    ],
)
def test_statements_that_look_like_questions_are_not_questions(tagger, text, theme):
    assert "question" not in statuses(tagger, text, theme)


def test_children_in_general_are_not_children_present_without_domestic_abuse(tagger):
    text = "Social workers know the child well and children and young people are seen regularly."
    assert "children_present" not in tagger.tag(text)
    text += " The child witnessed domestic abuse at home."
    assert "children_present" in tagger.tag(text)


def test_the_firearms_theme_tags_the_sample_shooting_and_the_shotgun_certificate_recommendation(tagger):
    """The sample corpus review of Lucy's death, read as `dhr ingest` reads it."""
    path = Path(__file__).resolve().parents[1] / "corpus" / "dhr" / "hollinsby-dhr-lucy-overview-report.pdf"
    if not path.is_file():
        pytest.skip(f"the sample corpus is not at {path}")
    from ingest.pipeline import read_document

    _meta, passages, _pages = read_document(path)
    tagged = tagger.tag_many([p.text for p in passages], section_kinds=[p.section_kind for p in passages])
    themes = {p.text: tagger.present_ids(ms) for p, ms in zip(passages, tagged, strict=True)}
    shooting = [t for text, t in themes.items() if "shot Lucy" in text]
    certificate = [t for text, t in themes.items() if "firearms code is added" in text]
    assert shooting and all("firearms_weapons" in t for t in shooting)
    assert certificate and all("firearms_weapons" in t for t in certificate)
    # the key line of enquiry about the certificate is a question, not a finding
    asked = [p for p in passages if "Was information about Mr H's shotgun certificate" in p.text]
    assert asked and asked[0].section_kind == "terms_of_reference"


# ----------------------------------------------------------------------- adult children, everyday training (issue 18)


@pytest.mark.parametrize(
    "text",
    [
        # DHRs into older victims and adult family homicides speak of grown-up children
        "Mrs N, 76, had been married to Mr N for 55 years. Her children described their father as controlling.",
        "Hannah's children lived away and visited her at Christmas; they told the review she never spoke of abuse.",
        "Sarah, a 77-year-old woman, was killed by her son. Her eldest son had raised concerns with her GP.",
        "Her children, both now adults, said their mother had hidden the abuse from them.",
        "Her eldest son, aged 34, told the panel that his father had always been violent.",
        "The domestic abuse began after her grown-up children had left home.",
        "Ten deaths were caused by the son of the victim, four by the daughter, and two by a grandchild.",
        "Mr G, who was 78 and caring for his wife, killed her. The couple's daughter told the review she had "
        "been worried.",
    ],
)
def test_adult_children_are_not_children_present(tagger, text):
    assert "children_present" not in tagger.tag(text)


@pytest.mark.parametrize(
    "text",
    [
        "Ms A, 34, lived with her children in a flat rented from the council; her partner assaulted her in May.",
        "Her eldest son was at home and called the police when his father assaulted her.",
        "Hannah's children were in the house when the police arrived.",
        "A referral from school about the couple's son was screened after the domestic incident.",
        # an older victim's grandchildren can be children: only their own age says otherwise
        "Mrs D, aged 81, looked after her grandchildren after school, and they saw her son hit her.",
    ],
)
def test_the_victims_own_young_children_still_count(tagger, text):
    assert "children_present" in tagger.tag(text)


@pytest.mark.parametrize(
    "text",
    [
        "The organisation of an election required 400 to 700 staff per district or borough council and "
        "involved significant recruitment and training.",
        "1 Physical and mental health and emotional well-being; protection from harm and neglect; education, "
        "training and recreation; the contribution made by them to society.",
        "Regarding support for Members, training and briefings had been prepared for Members on devolution "
        "and Local Government Reorganisation.",
        "About 22% of care leavers are not in education, employment or training.",
        "The promotion of technology to reduce road closure times, as well as recruiting and retaining trained "
        "operatives to minimise delays.",
        "KCC facilitated awareness raising and discussion of the Framework at a meeting of the Kent Rural "
        "Partnership last year.",
        "Mr B left school at 16 and started training as a plumber; he first assaulted a partner in 2009.",
    ],
)
def test_training_about_something_else_is_not_training_awareness(tagger, text):
    assert "training_awareness" not in tagger.tag(text)


@pytest.mark.parametrize(
    "text",
    [
        "None of the reception staff had received domestic abuse awareness training.",
        "Relevant safeguarding training is commissioned appropriately and is well supported by all partners.",
        "Some staff in the MASH have received insufficient training, supervision and guidance.",
        "Poor information sharing and a lack of training on the signs of domestic abuse are common themes.",
        # a finding that the staff were not trained, in a passage about domestic abuse
        "She disclosed the abuse to a receptionist at the surgery. Reception staff had not been trained.",
        "Recommendation 3: all officers should be trained in the use of the DASH risk checklist.",
        "It was confirmed that WCF delivered training and support direct to schools. Operation Encompass "
        "notifications about domestic abuse incidents reached schools the next morning.",
    ],
)
def test_training_about_domestic_abuse_or_that_staff_lacked_is_training_awareness(tagger, text):
    assert "training_awareness" in tagger.tag(text)


# ----------------------------------------------------------------- quoted definitions are not findings (issue 18)

CONTROLLING_DEFINITION = (
    "Controlling behaviour is: a range of acts designed to make a person subordinate and/or dependent by "
    "isolating them from sources of support, exploiting their resources and capacities for personal gain, "
    "depriving them of the means needed for independence, resistance and escape and regulating their everyday "
    "behaviour."
)
CROSS_GOVERNMENT_DEFINITION = (
    "The cross-government definition of domestic violence and abuse is: any incident or pattern of incidents "
    "of controlling, coercive, threatening behaviour, violence or abuse between those aged 16 or over who are "
    "or have been intimate partners or family members regardless of gender or sexuality."
)
COERCIVE_DEFINITION = (
    "Coercive behaviour is: an act or a pattern of acts of assault, threats, humiliation and intimidation or "
    "other abuse that is used to harm, punish, or frighten their victim."
)
ACT_DEFINITION = (
    "Domestic abuse is defined in the Domestic Abuse Act 2021 as abusive behaviour of one person towards "
    "another where both are aged 16 or over and are personally connected. Behaviour is abusive if it consists "
    "of any of the following: physical or sexual abuse; violent or threatening behaviour; controlling or "
    "coercive behaviour; economic abuse; psychological, emotional or other abuse."
)
ABUSE_TYPES = {"coercive_control", "physical_abuse", "emotional_abuse", "sexual_abuse", "economic_abuse"}


@pytest.mark.parametrize(
    "text", [CONTROLLING_DEFINITION, CROSS_GOVERNMENT_DEFINITION, COERCIVE_DEFINITION, ACT_DEFINITION],
    ids=["controlling", "cross-government", "coercive", "act-2021"],
)
def test_a_quoted_definition_of_abuse_is_not_a_finding_about_a_case(tagger, text):
    # a board counting the reviews that found coercive control does not count a review for quoting the law
    assert ABUSE_TYPES.isdisjoint(tagger.tag(text))


def test_a_quoted_definition_stays_searchable_with_its_own_status(tagger):
    assert statuses(tagger, CONTROLLING_DEFINITION, "coercive_control") == ["definition"]


@pytest.mark.parametrize(
    "text, theme",
    [
        # the definition applied to the case is a finding
        ("The panel found that his behaviour met the definition of coercive control.", "coercive_control"),
        ("Ms A was subjected to controlling behaviour as defined in the Serious Crime Act 2015.", "coercive_control"),
        ("Mr B's violence fell within the statutory definition of domestic abuse.", "physical_abuse"),
        # a sentence beside a definition is not part of it
        (CONTROLLING_DEFINITION + " Mr C checked her phone every evening and was jealous and controlling.",
         "coercive_control"),
    ],
)
def test_a_definition_applied_to_the_case_is_still_a_finding(tagger, text, theme):
    assert theme in tagger.tag(text)


def test_a_definition_still_counts_for_the_practice_theme_it_defines(tagger):
    # practice themes count every mention, as for questions: the review is about that practice
    text = "A MARAC is defined as a meeting where information is shared on the highest risk cases."
    assert {"marac", "information_sharing"} <= set(tagger.tag(text))


# ------------------------------------------------------------ housing agencies are not housing (issue 18)


@pytest.mark.parametrize(
    "text",
    [
        # a housing provider on the review panel
        "Helen Wakeling, Bath and North East Somerset Safeguarding Adults; Helen Dewbery, Knightstone Housing",
        "The panel comprised Avon and Somerset Constabulary, Sovereign Housing Association and the CCG.",
        # being known to an agency, or an agency's general duties, say nothing about anyone's housing
        "They were known to the police prior to the death in over half of cases, with a smaller percentage "
        "being known to health, probation, or housing services.",
        "Health and housing authorities have a duty to assist a local authority with its functions.",
    ],
)
def test_a_housing_agency_named_is_not_evidence_of_housing(tagger, text):
    assert "housing" not in tagger.tag(text)


@pytest.mark.parametrize(
    "text",
    [
        "She was made homeless and placed in temporary accommodation.",
        "Actions were set for police, housing and the IDVA service.",
        "Housing should treat a transfer request as a possible disclosure of abuse.",
        "She approached the housing department as homeless after he changed the locks.",
        "Better information sharing between the police, the GP and the housing provider could have allowed "
        "the risk to be understood.",
        "She asked the housing association for a move because he knew her address.",
        "Sovereign Housing Association granted her a new tenancy in another town.",
        "Her housing was insecure and she feared losing her home if she reported him.",
        "A proposal for a new extra care housing scheme for older people is due to go to the Planning Committee.",
    ],
)
def test_someones_housing_and_the_housing_response_are_still_housing(tagger, text):
    assert "housing" in tagger.tag(text)


# --------------------------------------------------------------------- other agency and programme names


@pytest.mark.parametrize(
    "text",
    [
        "CMHT: Community Mental Health Team – multi-disciplinary team providing community based assessments "
        "and support to people with serious and enduring mental illness.",
        "She was seen by the hospital's multidisciplinary team before discharge.",
    ],
)
def test_a_multi_disciplinary_team_is_not_multi_agency_working(tagger, text):
    assert "multi_agency_working" not in tagger.tag(text)


@pytest.mark.parametrize(
    "text",
    [
        "A multi-agency strategy meeting was held the next day.",
        "A multi-disciplinary meeting of police, health and children's services agreed a safety plan.",
    ],
)
def test_meetings_of_agencies_are_still_multi_agency_working(tagger, text):
    assert "multi_agency_working" in tagger.tag(text)


@pytest.mark.parametrize(
    "text",
    [
        "The Committee considered how ambitions for Family Hubs would contribute to the delivery of the "
        "Families Strategic Partnership Children, Young People and Families Strategy.",
        "Leaders managing social workers are mindful of the employer standards for social workers.",
    ],
)
def test_family_programmes_and_the_employers_of_professionals_are_not_what_family_and_friends_knew(
    tagger, text
):
    assert "family_friends_knowledge" not in tagger.tag(text)


@pytest.mark.parametrize(
    "text",
    [
        "Her employer was aware that she was frightened of him and let her leave early.",
        "The family told the chair that they did not know where to turn.",
        "Her sister knew about the assaults but had been sworn to secrecy.",
    ],
)
def test_what_family_friends_and_employers_knew_still_counts(tagger, text):
    assert "family_friends_knowledge" in tagger.tag(text)


@pytest.mark.parametrize(
    "text",
    [
        "In this cohort there are no unaccompanied asylum-seeking children.",
        "There is no evidence that immigration status was a factor.",
    ],
)
def test_there_is_or_there_are_no_denies_what_follows(tagger, text):
    assert "immigration_nrpf" not in tagger.tag(text)


def test_a_present_tense_statement_of_what_there_is_still_counts(tagger):
    assert "immigration_nrpf" in tagger.tag("There are 40 unaccompanied asylum-seeking children in the county.")


@pytest.mark.parametrize(
    "text",
    [
        "The research will identify strategies currently used to reduce this risk and prevent future violence.",
        "The Violence Reduction Unit funds youth workers in the emergency department.",
        "Partners have prepared for the Serious Violence Duty.",
    ],
)
def test_violence_to_be_prevented_in_general_is_not_physical_abuse(tagger, text):
    assert "physical_abuse" not in tagger.tag(text)


@pytest.mark.parametrize(
    "text",
    [
        "He had been violent towards her before, and she had bruising to her arms.",
        "Neighbours heard him hit her several times.",
        "There was a history of violence towards previous partners, and he assaulted her in 2019.",
        "He subjected her to serious violence over several years.",
    ],
)
def test_violence_that_happened_is_still_physical_abuse(tagger, text):
    assert "physical_abuse" in tagger.tag(text)


@pytest.mark.parametrize(
    "text",
    [
        # the notice of a death that starts a review is not information shared about the case
        "Sussex Police notified the Safe in the City Partnership on 29 May 2013 that the case should be "
        "considered as a DHR.",
        "The review was commissioned by Safer Devon Community Safety Partnership on receiving notification of "
        "the death of Louise in circumstances which appeared to meet the criteria of Section 9.",
        # nor is a statutory notice to a regulator
        "Since the previous inspection, five serious incident notifications have been submitted to Ofsted.",
    ],
)
def test_notice_of_a_death_to_the_partnership_is_not_information_sharing(tagger, text):
    assert "information_sharing" not in tagger.tag(text)


@pytest.mark.parametrize(
    "text",
    [
        "An Operation Encompass notification was not sent to the school after the August incident.",
        "The police notified children's services of the incident the next morning.",
    ],
)
def test_notifications_between_agencies_about_the_case_are_still_information_sharing(tagger, text):
    assert "information_sharing" in tagger.tag(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Protect the identities of any individuals (e.g., the child, a carer, a neighbour, or a colleague).", False),
        ("Social workers spoke to the child and their carer at school.", False),
        ("Mr B was his wife's main carer after her stroke.", True),
        ("Leaders consider the needs of young carers who look after a parent.", True),
    ],
)
def test_a_childs_carer_is_not_a_caring_role(tagger, text, expected):
    assert ("disability_care_needs" in tagger.tag(text)) is expected


def test_thanks_to_the_family_for_their_help_is_their_contribution_to_the_review(tagger):
    text = (
        "We are particularly grateful to the family of Louise and her friends who helped us better understand "
        "her in an attempt to recognise what life was like for her."
    )
    assert "family_friends_knowledge" in tagger.tag(text)


@pytest.mark.parametrize(
    "text",
    [
        "MPs highlighted the scheme as best practice in a letter to the Housing Minister.",
        "In line with the statutory override of the Department for Levelling Up, Housing and Communities (DLUHC).",
        "This would represent a pressure on both CYPE and Corporate Landlord budgets.",
    ],
)
def test_a_government_department_or_a_ministers_title_is_not_evidence_of_housing(tagger, text):
    assert "housing" not in tagger.tag(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        # professionals' colleagues
        ("Discussions were underway with borough and district colleagues regarding a parallel forecast.", False),
        ("KCC was to host its French, Belgian, and Dutch colleagues for the first Straits Committee meeting.", False),
        ("The diagnostic brings together colleagues locally to explore how their data processes work.", False),
        # a service named after families is not the family
        ("Some good quality practice was seen in the family intervention team.", False),
        # the victim's colleagues
        ("Her colleagues noticed bruising on her arms and told their manager.", True),
        ("A work colleague said that Mr B rang her up to twenty times a day.", True),
    ],
)
def test_only_the_victims_or_perpetrators_colleagues_are_what_colleagues_knew(tagger, text, expected):
    assert ("family_friends_knowledge" in tagger.tag(text)) is expected


def test_a_footnote_quoting_the_act_is_a_definition(tagger):
    text = (
        "6 As defined in the Domestic Abuse Act 2021 behaviour is 'abusive' if it consists of physical or sexual "
        "abuse, violent or threatening behaviour, controlling or coercive behaviour, economic abuse, "
        "psychological, emotional or other abuse."
    )
    assert ABUSE_TYPES.isdisjoint(tagger.tag(text))


def test_a_kick_off_meeting_is_not_a_kick(tagger):
    assert "physical_abuse" not in tagger.tag("The DCS joins for the kick-off and problem definition.")
    assert "physical_abuse" in tagger.tag("He kicked her in the stomach.")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The opening hours vary, but this is not considered to be an issue.", False),
        ("A referral was not considered necessary at the time.", False),
        ("The possibility that her injuries were caused by her husband was not considered.", True),
    ],
)
def test_not_considered_as_a_judgement_is_not_a_lack_of_curiosity(tagger, text, expected):
    assert ("professional_curiosity" in tagger.tag(text)) is expected


@pytest.mark.parametrize(
    "text",
    [
        "Abuse can take many forms: physical abuse, sexual abuse, emotional abuse, neglect.",
        "sexual abuse physical abuse emotional abuse neglect (i.e., a child might be left hungry or dirty)",
    ],
)
def test_a_guidance_list_of_kinds_of_abuse_is_a_definition_not_a_finding(tagger, text):
    tags = set(tagger.tag(text))
    assert not tags & {"physical_abuse", "sexual_abuse", "emotional_abuse"}, tags
    assert {m.status for m in tagger.mentions(text)} == {"definition"}


@pytest.mark.parametrize(
    "text",
    [
        "Ms A suffered physical abuse, sexual abuse and emotional abuse throughout the relationship.",
        "She experienced physical abuse, emotional abuse and financial abuse from him.",
    ],
)
def test_a_list_of_kinds_of_abuse_someone_suffered_is_a_finding(tagger, text):
    assert {"physical_abuse", "emotional_abuse"} <= set(tagger.tag(text))


def test_a_portfolio_title_is_an_organisation_name(tagger):
    text = "The Domestic Abuse Board is jointly chaired by the Commissioner for Safety, Children and Families."
    assert "children_present" not in tagger.tag(text)
    assert "children_present" in tagger.tag("The Domestic Abuse Board heard that the children were present.")


# ----------------------------------------------------------------------------- token patterns, screened


def test_a_token_pattern_requires_the_words_of_the_tokens_that_must_match(tagger):
    strings = tagger.nlp.vocab.strings
    pattern = [{"LOWER": {"IN": ["killed", "stabbed"]}}, {"LOWER": "by", "OP": "?"}, {"LEMMA": "partner", "OP": "+"},
               {"LOWER": {"REGEX": "^[0-9]+$"}}, {"IS_TITLE": True, "OP": "{1,3}"}, {"ORTH": ":", "OP": "{0,2}"},
               {"TEXT": {"REGEX": "^x"}, "OP": "?"}]
    assert requirements(pattern, strings) == [
        (1, frozenset({strings["killed"], strings["stabbed"]})),  # LOWER
        (2, frozenset({strings["partner"]})),  # LEMMA; "by" may be absent; IS_TITLE names no word
        (1, Search("^[0-9]+$", strings)),  # some lower-case word all digits
    ]


def test_a_search_asks_whether_any_of_a_docs_values_satisfies_its_regex(tagger):
    strings = tagger.nlp.vocab.strings
    age = Search("^(6[5-9]|[7-9][0-9])$", strings)
    assert age.any_in({strings.add("she"), strings.add("was"), strings.add("77")})
    assert not age.any_in({strings.add("she"), strings.add("was"), strings.add("177")})
    assert not age.any_in({strings.add("177")})  # the second time, remembered


def test_screened_token_patterns_find_what_one_matcher_with_every_pattern_finds(tagger):
    texts = [ex for t in TAXONOMY for ex in (*t.examples_pos, *t.examples_neg)]
    texts += [p for f in sorted(SEEDS.glob("*.txt")) for p in f.read_text().split("\n\n") if p.strip()]
    screened = [tagger._tokens, tagger._org_tokens, tagger._definition_tokens]
    plain = []
    for matcher in screened:
        plain.append(Matcher(tagger.nlp.vocab))
        for key, pattern in matcher.patterns:
            plain[-1].add(key, [pattern])
    found = 0
    for doc in tagger.nlp.pipe(texts):
        for one, each in zip(plain, screened, strict=True):
            expected = sorted(set(one(doc)))
            assert sorted(each(doc)) == expected, doc.text[:80]
            found += len(expected)
    assert found > 50  # the texts exercise the patterns



# ----------------------------------------------------------------------------- the labelling guide's non-evidence
# (tests/data/THEME_LABELLING.md): each sentence is one false-positive pattern of the real dev split, and each is
# tagged without the rule of themes.toml that now drops it

CP, PA, CJ, FF = "children_present", "physical_abuse", "criminal_justice", "family_friends_knowledge"


@pytest.mark.parametrize(
    "theme, text",
    [
        # CP3: children as one of a list of client groups, with nothing said about them
        (CP, "Services included the provision for victims, perpetrators, children and young people."),
        (CP, "The partnership aims to improve service responses for all domestic violence victims and their children."),
        # CP4: children at risk of exploitation; a child in a list of people; the education of all children
        (CP, "Members wanted links between services for children and young people at risk of child exploitation "
         "and services which support victims of domestic abuse."),
        (CP, "Protect the identities of anyone who might suffer harm if their details became known to an abuser "
         "(e.g., the child, a carer, a neighbour, or a colleague)."),
        (CP, "The research will identify risk factors for domestic homicide within vulnerable groups (children "
         "exposed to domestic violence; rural communities; immigrant populations)."),
        (CP, "The domestic abuse strategy could support the education of children and young people about healthy "
         "relationships."),
        # PA1: an injury in a condition about anyone, in practice guidance
        (PA, "The practice introduced a template prompting clinicians to ask about domestic abuse when a patient "
         "presents with an injury that is not fully explained."),
        # CJ5: a history of contact with the criminal justice system; CJ3: a guidance page's title in a list of links
        (CJ, "Perpetrators who had used mental health services were more likely to have had contact with the "
         "criminal justice system."),
        (CJ, "Multi-agency public protection arrangements (MAPPA): Guidance - GOV.UK (www.gov.uk)"),
        # FF6: what he cut her off from is coercive control; FF5: who may call a helpline
        (FF, "Adult B controlled her money and her contact with family and friends."),
        (FF, "He isolated her from her family and friends."),
        (FF, "The helpline is a national service for women experiencing domestic violence, their family, friends, "
         "colleagues and others calling on their behalf."),
    ],
)
def test_what_the_labelling_guide_calls_no_evidence_is_not_tagged(tagger, theme, text):
    assert theme not in tagger.tag(text)


@pytest.mark.parametrize(
    "theme, text",
    [
        (CP, "The children were exposed to domestic abuse for years."),
        (CP, "The refuge supported Ms A and her two children, aged 4 and 7, after the assault."),
        (PA, "Anna attended the surgery with a wrist injury and said she had fallen."),
        (PA, "She presented at A&E with an injury to her face after he assaulted her."),
        (CJ, "He was managed under MAPPA at level 2 after his release."),
        (CJ, "He had contact with the criminal justice system and was sentenced to a community order in 2015."),
        (FF, "Her family and friends told the chair they had been worried about her for months."),
        (FF, "Information from family and friends helped the panel understand her life."),
    ],
)
def test_what_the_labelling_guide_calls_evidence_is_still_tagged(tagger, theme, text):
    assert theme in tagger.tag(text)


# ----------------------------------------------------------------------------- pass 3 (themes3): wording kinds
# Each rule below was written from errors on the real dev rows; the sentences here are our own wording of the
# kind, not the rows.

CC, EA, MH, OP, IDVA, MAW, RA, PC, DIS = (
    "coercive_control", "economic_abuse", "mental_health", "older_people", "idva_specialist_services",
    "multi_agency_working", "risk_assessment", "professional_curiosity", "disability_care_needs",
)


@pytest.mark.parametrize(
    "text",
    [
        "MARAC Multi-Agency Risk Assessment Conference",
        "IDVA – Independent Domestic Violence Adviser",
        "DASH Domestic Abuse, Stalking and Harassment Risk Assessment Checklist. DVPN Domestic Violence Prevention "
        "Notice.",
        "CPN Community Psychiatric Nurse. MAPPA Multi-Agency Public Protection Arrangements.",
    ],
)
def test_a_glossary_entry_is_no_evidence_of_any_theme(tagger, text):
    # a list of abbreviations says what an acronym stands for, not what happened or what an agency did
    assert tagger.tag(text) == []


def test_a_name_spelled_out_before_its_acronym_in_prose_still_counts(tagger):
    text = "The case was referred to the Multi-Agency Risk Assessment Conference (MARAC) and an IDVA was allocated."
    assert {"marac", IDVA} <= set(tagger.tag(text))


def test_glossary_entries_are_an_acronym_then_the_words_its_letters_spell():
    from kb.tagger import glossary_entries

    t = ThemeTagger()
    doc = t.nlp("IMR Individual Management Review. The IMR was late. GP General Practitioner")
    assert [doc[a:b].text for a, b in glossary_entries(doc)] == [
        "IMR Individual Management Review", "GP General Practitioner"]


@pytest.mark.parametrize(
    "text",
    [
        "Many children who live with domestic abuse never come to the attention of services.",
        "The school had daily contact with a child living with domestic violence.",
        "Half of the reports said that children had earlier experience of DVA.",
        "The refuge supported a 6-year-old girl after her father assaulted her mother.",
        "A child witnessed domestic abuse at the address on two occasions.",
    ],
)
def test_children_who_live_with_or_experience_domestic_abuse_are_children_present(tagger, text):
    assert CP in tagger.tag(text)


@pytest.mark.parametrize(
    "text",
    [
        "As a child she lived with domestic violence between her parents.",
        "As a child he experienced domestic abuse at home.",
        "A 4-year-old boy joined the nursery class in September.",
    ],
)
def test_an_adults_childhood_or_a_child_in_a_passage_not_about_abuse_is_not_children_present(tagger, text):
    assert CP not in tagger.tag(text)


def test_whom_he_stopped_her_speaking_to_is_coercive_control_not_what_family_and_friends_knew(tagger):
    tags = tagger.tag("He stopped her from speaking to her family and friends.")
    assert FF not in tags and CC in tags


@pytest.mark.parametrize(
    "text",
    [
        "The report also looks at family contributions to the reviews.",
        "Support for families in the review process varied between areas.",
    ],
)
def test_the_familys_part_in_the_review_process_is_family_and_friends_knowledge(tagger, text):
    assert FF in tagger.tag(text)


def test_guidance_saying_what_is_a_form_of_abuse_is_a_definition_not_a_finding(tagger):
    assert EA not in tagger.tag("Taking an older person's pension is another form of financial abuse.")
    assert EA in tagger.tag("His taking of her pension was a form of financial abuse.")


@pytest.mark.parametrize(
    "theme, text",
    [
        (MH, "He was offered a psychological intervention but did not attend."),
        (CC, "Professionals were concerned that she was being controlled by her son."),
        (CC, "Neighbours saw how complete John's control of Mary had become."),
        (OP, "She was in her late 70s when she died."),
        (IDVA, "There was no contact with any domestic abuse agency."),
        (IDVA, "Services for perpetrators of domestic abuse were never commissioned."),
        (MAW, "The review asks how agencies worked individually and together."),
        (RA, "Practitioners should identify, assess and respond to risks as early as possible."),
        (PC, "Practitioners did not think family when the father was assessed."),
        (DIS, "She was referred to adult social care for an assessment of her needs."),
    ],
)
def test_wording_of_the_theme_found_on_real_text_is_tagged(tagger, theme, text):
    assert theme in tagger.tag(text)


@pytest.mark.parametrize(
    "theme, text",
    [
        (CC, "The budget is being controlled by the finance directorate."),
        (PC, "The board's priorities are neglect, domestic abuse and 'Think Family'."),
        (DIS, "The Council must provide statutory services, including adult social care and children's services."),
    ],
)
def test_names_and_lists_of_sectors_are_not_the_theme(tagger, theme, text):
    assert theme not in tagger.tag(text)


# ----------------------------------------------------------------------------- taxonomy 9 (issue 18, round 2)


@pytest.mark.parametrize(
    "theme, text",
    [
        (PA, "Perpetrators may punch, kick or push their partners where the injuries will not be seen."),
        (PA, "Abusers often hit their victims where bruises will not show."),
        (PA, "The abuser may use violence to control the victim."),
        (PA, "Physical abuse can include hitting, slapping, pushing and kicking."),
        (PA, "Signs of physical abuse include unexplained bruises and fractures."),
        (PA, "Violence often escalates after separation."),
        (CP, "Abusers may threaten to take the children away."),
        (CP, "The abuser may tell the victim that their children will be taken away if they report the abuse."),
    ],
)
def test_guidance_on_what_abusers_may_do_in_general_is_not_a_finding(tagger, theme, text):
    # guidance describing what abuse can look like (a generic abuser, "can include", "signs of ... include")
    # says nothing about what happened in a case: the guide's G5
    assert theme not in tagger.tag(text)


@pytest.mark.parametrize(
    "theme, text",
    [
        (PA, "He punched her in the face in 2018."),
        (PA, "The perpetrator often hit her when he had been drinking."),
        (PA, "Signs of physical abuse included bruising to her arms."),
        (PA, "The violence escalated after she left him."),
        ("male_victims", "Male victims may be reluctant to seek help."),
    ],
)
def test_what_a_perpetrator_did_and_who_a_general_statement_is_about_still_count(tagger, theme, text):
    assert theme in tagger.tag(text)


@pytest.mark.parametrize(
    "text",
    [
        "Officers should photograph any injuries.",
        "Staff should ask every patient with an injury whether someone hurt them.",
        "Practitioners should ask about violence in the relationship.",
    ],
)
def test_injuries_or_violence_of_anyone_in_practice_guidance_are_not_physical_abuse(tagger, text):
    assert PA not in tagger.tag(text)
    assert PA in tagger.tag("Officers photographed her injuries.")


@pytest.mark.parametrize(
    "text",
    [
        "Children are victims of domestic abuse in their own right.",
        "Under the Act, children are recognised as victims of domestic abuse in their own right.",
        "The review considered the impact of domestic abuse on children.",
        "Staff should know the effect domestic abuse can have on children.",
        "All children who are exposed or subjected to an environment of domestic violence are likely to be affected.",
    ],
)
def test_children_as_victims_of_domestic_abuse_and_its_impact_on_them_are_children_present(tagger, text):
    # the guide's CP2, in the Domestic Abuse Act's and guidance's own wordings
    assert CP in tagger.tag(text)


@pytest.mark.parametrize(
    "text",
    [
        "The review considered the impact of the budget on children's centres.",
        "She was subjected to domestic abuse by her husband for many years.",
    ],
)
def test_an_impact_on_childrens_services_or_an_adult_subjected_to_abuse_is_not_children_present(tagger, text):
    assert CP not in tagger.tag(text)


@pytest.mark.parametrize(
    "text",
    [
        "The family was known to the police.",
        "The family were known to children's services.",
        "Her family were not known to any agency.",
    ],
)
def test_an_agency_knowing_the_family_is_not_what_family_and_friends_knew(tagger, text):
    assert FF not in tagger.tag(text)


@pytest.mark.parametrize("text", ["The assaults were known to her sister.", "Her family knew about the assaults."])
def test_what_relatives_knew_still_counts(tagger, text):
    assert FF in tagger.tag(text)


@pytest.mark.parametrize(
    "text",
    [
        "A neighbour called the police.",
        "A friend of his contacted the mental health team to raise concerns.",
        "Her sister rang the police.",
    ],
)
def test_a_friend_neighbour_or_relative_contacting_a_service_is_what_they_did(tagger, text):
    assert FF in tagger.tag(text)


@pytest.mark.parametrize(
    "text",
    [
        "Anyone, such as a friend who calls the helpline, can get advice.",
        "A relative can call the helpline for advice.",
        "Professionals need to engage with fathers, whilst also making sure they see the mother alone.",
    ],
)
def test_who_may_call_a_service_or_seeing_the_mother_alone_is_not_family_and_friends_knowledge(tagger, text):
    # the guide's FF5 (who may use a service) and safe enquiry with the victim, who is not her own family
    assert FF not in tagger.tag(text)


def test_probation_in_a_list_of_professions_is_not_a_criminal_justice_response(tagger):
    assert CJ not in tagger.tag("The team includes prosecutors, judges, police, doctors and probation officers.")
    assert CJ in tagger.tag("His probation officer was not told of the incidents.")


def test_a_childs_supervision_as_part_of_its_care_is_not_supervision_of_practitioners(tagger):
    rks = "record_keeping_supervision"
    neglect = "Neglect is when a child is left without proper clothing, shelter, supervision or health care."
    assert rks not in tagger.tag(neglect)
    assert rks in tagger.tag("The social worker did not receive supervision for this case.")


def test_a_definition_given_in_passing_is_not_a_finding_but_applied_to_someone_it_is(tagger):
    quoted = "Coercive control - which is a pattern of psychological abuse and intimidation - is an offence."
    assert CC not in tagger.tag(quoted)
    assert CC in tagger.tag("His behaviour towards her was a pattern of control and intimidation.")


@pytest.mark.parametrize(
    "theme, text",
    [
        ("intimate_partner_homicide", "She was followed home by her estranged husband, who then shot her dead."),
        ("intimate_partner_homicide", "Her partner stabbed her to death in the kitchen."),
        ("adult_family_homicide", "It concerns the homicide of Adult A in 2011, committed by his sibling Adult B."),
        (CC, "Research found that impairments were used to exercise control over them."),
        (CC, "Contact with the children became a means of sustaining control and intimidation."),
        ("older_people", "Agencies did not respond to abuse in the context of an older couple."),
        ("stalking", "In 2019 she was followed to her home by her former partner."),
        ("record_keeping_supervision", "Managers should undertake case dip samples of the records."),
        (MAW, "Audits should evidence joint decision-making between health and children's services."),
    ],
)
def test_more_kinds_of_real_wording_of_the_theme_are_tagged(tagger, theme, text):
    # who killed her told the other way round, control over a person, an older couple, being followed to her
    # home, dip samples as audit, joint decision-making between agencies
    assert theme in tagger.tag(text)
    assert CC not in tagger.tag("The council maintains control of its budget.")


@pytest.mark.parametrize(
    "theme, text",
    [
        (PA, "The outreach worker tried to push him to engage with the perpetrator programme."),
        ("non_fatal_strangulation", "Non-fatal strangulation became a criminal offence in June 2022."),
        (PA, "Training covered physical abuse, coercive control and stalking."),
        ("non_fatal_strangulation", "Officers are trained to recognise the signs of strangulation."),
        (PA, "Risk factors include previous violence, separation and pregnancy."),
        (PA, "The number of violent incidents recorded by police rose by 8%."),
        (PA, "Research shows that violence often begins or escalates during pregnancy."),
        (FF, "A colleague of the GP said the practice had no concerns."),
        (FF, "Refuge and its sister organisation told the review about their services."),
    ],
)
def test_laws_training_topics_risk_factor_lists_counts_and_professionals_are_not_the_theme(tagger, theme, text):
    # kinds of wording probed on purpose: pushing someone to do something, the law making abuse an offence,
    # what training covers, a general list of risk factors, a count of incidents, what research shows about
    # violence in general, a professional's colleague and a sister organisation
    assert theme not in tagger.tag(text)


@pytest.mark.parametrize(
    "theme, text",
    [
        (PA, "He pushed her to the ground."),
        (PA, "He tried to push her down the stairs."),
        ("training_awareness", "Training covered physical abuse, coercive control and stalking."),
        (PA, "Risk factors in this case included his previous violence towards her."),
        (PA, "He committed a number of assaults on her."),
        (FF, "A colleague of hers said she had seen bruises on her arms."),
        (FF, "Her sister told the review about the assaults."),
    ],
)
def test_the_same_words_about_the_case_still_count(tagger, theme, text):
    assert theme in tagger.tag(text)


@pytest.mark.parametrize(
    "text",
    [
        "Children's Centre staff attended the MARAC for the first time in 2019.",
        "A health visitor representative sat on the review panel.",
        "The panel included a named nurse, a health visitor and a GP.",
    ],
)
def test_a_childrens_centre_or_a_health_visitor_as_a_member_of_a_meeting_is_not_children_present(tagger, text):
    # the guide's CP3 and CP4: a name of an agency, a panel member, one of a list of professions
    assert CP not in tagger.tag(text)
    assert CP in tagger.tag("The health visitor was not told about the domestic abuse.")


@pytest.mark.parametrize(
    "theme, text",
    [
        ("intimate_partner_homicide", "Ms B was killed by her 69 year old ex-husband outside her home."),
        ("intimate_partner_homicide", "The mother died at the hands of her current or ex-partner."),
        ("intimate_partner_homicide", "As adults, both men killed their intimate partners."),
        ("intimate_partner_homicide", "Notes left at the scene indicated that Mr A had killed Mrs A."),
        (PA, "She was shot by her estranged husband as she sat in her car."),
        (PA, "He shot and killed his partner and her sister."),
        (PA, "She was wounded by the perpetrator in May 2017."),
        (PA, "Neighbours said he beat his wife when he had been drinking."),
        ("perpetrator_history", "Just before the homicide he was convicted of assault and given probation."),
        ("perpetrator_history", "He had a history of violence across several relationships."),
        ("risk_assessment", "The key lines of enquiry were how agencies identified risk and shared information."),
        ("risk_assessment", "Risks are not always effectively identified at the front door."),
        ("risk_assessment", "No one considered the risk presented by an alcohol dependent person to his family."),
        ("record_keeping_supervision", "The disclosure should be recorded in the patient's notes."),
        ("record_keeping_supervision", "GPs should record their assessment and actions."),
        ("record_keeping_supervision", "There is insufficient management grip on practice."),
        ("older_people", "Victims killed by a family member were often aged over 65."),
        ("male_victims", "Agencies did not consider the victim being male."),
        ("male_victims", "Half of the victims of adult family homicide were male."),
        ("record_keeping_supervision", "Have all injuries (visible and non-visible) been documented?"),
        ("record_keeping_supervision", "The police should ensure practice around recording is fit for purpose."),
        ("criminal_justice", "Mrs B was killed by her husband Mr B, who was tried and found guilty of murder."),
        ("criminal_justice", "He pleaded guilty to manslaughter at the Crown Court."),
    ],
)
def test_taxonomy_10_reads_the_case_wording_of_the_spent_held_out_rows(tagger, theme, text):
    # kinds of wording the rules missed in the real set's spent held-out rows (taxonomy 10): the killer by age,
    # "at the hands of", "Mr A killed Mrs A"; being shot or wounded; a conviction for violence; identifying and
    # managing risk; where a record is kept; victims being male
    assert theme in tagger.tag(text)


@pytest.mark.parametrize(
    "theme, text",
    [
        ("risk_assessment", "Schools help identify children at risk of exploitation."),
        ("perpetrator_history", "He was arrested for assault and released on bail."),
        (PA, "As boys, both grew up with fathers who beat their mothers."),
        (PA, "Doctors are often asked by the police to report on injuries."),
        (PA, "Injuries that are not fully explained should prompt a direct question about abuse at home."),
        (PA, "Addressing domestic violence which results in low level injuries can prevent fatalities."),
        (FF, "Information in the reviews is anonymised to protect the family and friends of the victim."),
        (FF, "Names were changed to respect the privacy of surviving family and friends."),
        ("disability_care_needs", "Agencies must ensure their staff, carers and volunteers understand domestic abuse."),
        ("disability_care_needs", "If an interpreter is needed, do not use friends, family or carers."),
        ("multi_agency_working", "Sharing information across agencies helps to piece together the jigsaw."),
        ("record_keeping_supervision", "It is well documented that abuse escalates after separation."),
        (CP, "As young children, both men feared their fathers."),
        ("criminal_justice", "The review obtains information from the police and other criminal justice agencies."),
        ("criminal_justice", "Law enforcement and prosecution case files are the first source of information."),
    ],
)
def test_taxonomy_10_keeps_general_wording_out(tagger, theme, text):
    # who is at risk is not assessing risk; an arrest in the case is not previous history; a parent's violence
    # in an adult's childhood, injuries as practice speaks of them and a report's privacy are not the theme
    assert theme not in tagger.tag(text)


@pytest.mark.parametrize(
    "theme, text",
    [
        ("intimate_partner_homicide", "A young mother was beaten to death by her violent ex-partner."),
        ("intimate_partner_homicide", "Reviews of the murder of ‘Ruth’ by her husband and of ‘Pamela’ by a partner."),
        ("intimate_partner_homicide", "Clare Wood was murdered at 36 by George Appleton, an ex-boyfriend."),
        ("separation", "The 21-year-old was killed by her former partner in September 2019."),
        ("separation", "Police binned evidence that he was stalking his ex-wife a year before he killed her."),
        (CP, "She was murdered by Mr W in front of her two-year-old daughter."),
        (PA, "Tina Billingham was regularly attacked by Ronald Cooke."),
        (PA, "Ruth Williams was strangled to death at their home."),
        (PA, "Her son had subjected his mother to a previous attack."),
        (FF, "Following interviews with the victim's family, the review found learning about communication."),
    ],
)
def test_taxonomy_10_reads_news_reports_of_reviews(tagger, theme, text):
    # kinds of wording the spent held-out split test4 showed: news reports of reviews name the killer by his
    # relation to her ("her violent ex-partner", "an ex-boyfriend") and say how she died
    assert theme in tagger.tag(text)


@pytest.mark.parametrize(
    "theme, text",
    [
        ("separation", "He had previously tried to run down an ex-partner with his van."),
        ("perpetrator_history", "A young mother was beaten to death by her violent ex-partner."),
        ("perpetrator_history", "Ms R had experienced domestic violence in a previous relationship."),
        (CP, "Her unborn son was delivered by Caesarean section and survived."),
        (CP, "He asked her to sign papers for the Children and Family Court Advisory and Support Service."),
        ("coercive_control", "The programme helps the police understand what is meant by the term coercive control."),
        (FF, "This report has been anonymised to protect the confidentiality of the person and their family."),
        (FF, "When someone is killed by an intimate partner or family member a review must be conducted."),
        (FF, "There are leaflets available for family, friends and colleagues who have lost someone."),
    ],
)
def test_taxonomy_10_keeps_the_victims_own_history_and_process_text_out(tagger, theme, text):
    # her ex is the perpetrator himself and her earlier relationships her history, not his; an unborn child is
    # pregnancy; CAFCASS is an agency's name; what training explains and what a report protects are no findings
    assert theme not in tagger.tag(text)


@pytest.mark.parametrize(
    "theme, text",
    [
        ("intimate_partner_homicide", "The man was stabbed to death on 27 October, 2013 by his 49 year old partner."),
        ("intimate_partner_homicide", "She was stabbed in her home in Paisley this June by partner Gary Brown."),
        ("intimate_partner_homicide", "A serial abuser was free to batter his ex-partner to death."),
        ("risk_assessment", "There was poor appreciation of the risks of domestic abuse in old age."),
        ("risk_assessment", "The trust failed to consider the safety of a mother who was killed by her son."),
        ("criminal_justice", "He was jailed for life in December 2012."),
        (PA, "He violently attacked five previous girlfriends."),
    ],
)
def test_taxonomy_10_reads_the_wording_of_the_spent_test5_rows(tagger, theme, text):
    assert theme in tagger.tag(text)


@pytest.mark.parametrize(
    "theme, text",
    [
        ("criminal_justice", "Inspections are carried out by Ofsted, CQC and HM Inspectorate of Probation."),
        (FF, "The panel expresses its sincere condolences to the family members affected by these events."),
    ],
)
def test_taxonomy_10_keeps_inspectorates_and_condolences_out(tagger, theme, text):
    assert theme not in tagger.tag(text)

IPH, SVS = "intimate_partner_homicide", "suspected_victim_suicide"
HISTORY, DISABILITY = "perpetrator_history", "disability_care_needs"


@pytest.mark.parametrize(
    "theme, text",
    [
        (IPH, "The 80-year-old was killed at her home, near Armathwaite, by husband Michael, 81."),
        (IPH, "The police found evidence that he was stalking his ex-wife a year before he killed her."),
        ("parricide", "A trust failed to consider the safety of a mother who was killed by her paranoid son."),
        ("parricide", "He was returned by police to his mother's home a month before he killed her in March 2021."),
        ("adult_family_homicide", "The abuse she suffered for years before her son murdered her was not recognised."),
        (SVS, "He was convicted of manslaughter after the suicide of his ex-partner."),
        (SVS, "The inquest found she had hanged herself after months of coercive control."),
        (HISTORY, "A review said he had a history of \"violent and unpredictable behaviour to women\"."),
        (HISTORY, "He had beaten up five previous girlfriends."),
        (HISTORY, "Before her death he was arrested 23 times."),
    ],
)
def test_taxonomy_11_reads_who_killed_her_in_one_sentence(tagger, theme, text):
    # the spent held-out split test6: a partner or a child of the victim and a killing in the same sentence, in
    # any order; the suicide of a partner; his history of violence in other words than "previous convictions"
    assert theme in tagger.tag(text)


@pytest.mark.parametrize(
    "theme, text",
    [
        (IPH, "She told a nurse she feared her partner would kill her."),
        (IPH, "When someone is killed by a partner or ex-partner a review must be held."),
        (IPH, "In the months before her death Hannah had separated from her husband, Mr T."),
        ("parricide", "Ms A was killed by her partner; her son found her the next morning."),
        (CP, "Councils must provide support to victims of domestic abuse and their children in safe accommodation."),
        (CP, "The strategy covers all victims (and their children) who reside in relevant safe accommodation."),
        (SVS, "Now called Domestic Abuse Related Death Reviews, these reviews bring value to local agencies."),
        (DISABILITY, "Adult C Safeguarding Adult Review (SAR) looks at how agencies respond to domestic abuse."),
        (DISABILITY, "Although this case pre-dates the Care Act 2014, its principles apply."),
        ("economic_abuse", "The Act defines 'abusive behaviour' as: physical or sexual abuse; economic abuse."),
        ("lgbt_victims", "Women and men can experience domestic abuse in heterosexual and same-sex relationships."),
        (FF, "He was jailed for hammering Ms Cruz to death in front of their daughter."),
        (FF, "He did not want her to have a relationship with her family and friends."),
    ],
)
def test_taxonomy_11_keeps_names_duties_and_definitions_out(tagger, theme, text):
    # a threat or a general statement is no killing; a duty's client group, a review's or an Act's name and a
    # definition are not what happened in a case; a child watching is not what the family knew
    assert theme not in tagger.tag(text)


def test_a_count_before_a_verb_is_not_a_question(tagger):
    # "45 were referred ..." states a finding: the number is its subject, not a list item's number before "Were"
    found = tagger.mentions("45 were referred to MARAC because their children had witnessed the abuse.")
    assert {m.status for m in found if m.theme_id == CP} == {"present"}
    asked = tagger.mentions("2. Were the children present at the time of the assault?")
    assert {m.status for m in asked if m.theme_id == CP} == {"question"}


@pytest.mark.parametrize(
    "text",
    [
        "The neighbour knew that one of the children had witnessed the domestic assault.",
        "The extent of children's exposure to the homicide varied.",
        "Children living with domestic abuse are supported by the school.",
    ],
)
def test_taxonomy_11_reads_what_children_saw_or_lived_with(tagger, text):
    assert CP in tagger.tag(text)


@pytest.mark.parametrize(
    "theme, text",
    [
        ("suicide_self_harm", "A DHR may also be held where there was a domestic abuse related death such as suicide."),
        ("suicide_self_harm", "Reviews examine responses to those aged 16 and above who lose their life to suicide."),
        ("non_fatal_strangulation", "The Act introduces a new offence of non-fatal strangulation."),
        (SVS, "After every domestic abuse related death, a DHR is the one chance to learn from mistakes."),
    ],
)
def test_taxonomy_11_reads_when_reviews_are_held_as_guidance(tagger, theme, text):
    # the spent split test7: DHR pages say whom and when a review is for, and what an Act made an offence; that
    # is no suicide or strangulation in a case
    assert theme not in tagger.tag(text)


@pytest.mark.parametrize(
    "theme, text",
    [
        ("economic_abuse", "Universal Credit should not exacerbate financial abuse."),
        ("multi_agency_working", "The study found a lack of co-ordinated approach in preventing domestic homicide."),
        ("risk_assessment", "Only 28 per cent had been sufficiently assessed for any risks of further domestic abuse."),
        ("professional_curiosity", "GPs missed opportunities to inquire with the perpetrators about abuse."),
        ("suicide_self_harm", "Refuge found shortcomings in the probing for suicidality amongst its clients."),
    ],
)
def test_taxonomy_11_reads_the_wording_of_test7(tagger, theme, text):
    # not exacerbating, preventing or tackling abuse does not deny it; practice in other words
    assert theme in tagger.tag(text)
