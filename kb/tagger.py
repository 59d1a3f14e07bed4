"""Rule-based theme tagger for DHR passages, built on a blank spaCy English pipeline.

Pipeline: tokenizer -> lookup lemmas (spacy-lookups-data), lower-cased -> sentencizer. No trained
model is loaded. Theme phrases from the taxonomy are matched with three PhraseMatchers (lemma, lower-case
words, exact case for acronyms) and token patterns (spaCy's Matcher, each pattern tried only on passages
holding the words it requires).

Every match becomes a ThemeMention with a status:

* "negated": a negation cue in the same sentence scopes over the mention. Strong cues ("no
  evidence of", "nothing to suggest", "not known to", "denied", "did not disclose", ...) reach
  up to 12 tokens forward; single-word cues ("no", "not", "n't", "never", "without", "nor", ...)
  reach 4 tokens. Scope is broken by "but", "however", "although", "which", ";", ":", a spaced
  dash and similar, by "and" or a comma that starts a new clause (", the ...", "and he ..."), and
  for single-word cues by any comma. Pseudo-negations do not count ("no longer", "not only",
  "no further action", "not always/fully/routinely ...").
  A cue does NOT negate when it negates what professionals did rather than whether the thing
  existed: "Agencies did not recognise the coercive control", "The GP did not ask about his
  alcohol use", "No interpreter was offered", "not always recorded" all stay present, because
  a practice word (recognise, ask, explore, refer, record, share, know, ...; or what is done about the thing:
  prevent, tackle, exacerbate, ...) or a quality adverb
  (always, fully, routinely, consistently, ...) comes between the cue and the mention, or the
  mention is the subject of a practice verb after "no". "known to" is not such a practice word:
  "neither was known to substance misuse services" denies the contact. "without" + a possessive
  does not negate ("sent back without her children": the children exist). Negation after the
  mention is ignored ("Mr B's alcohol use was not explored" -> present).
* "hypothetical": the mention sits in an if/whether/unless clause (which ends at a comma or where a
  new subject begins the main clause: in "if she left him he would kill her" the threat is
  present), in a sentence opening with an
  inverted conditional ("Had she been asked about abuse, ..."), or near an epistemic modal
  ("may have", "might have", "might be", "possibly", "perhaps", "it is possible that"). After the
  mention, "may be" doubts it only when what follows says whether it was there or mattered ("drugs
  may be a factor"), not when it hedges what its subjects do ("male victims may be reluctant to
  seek help"). A question someone put is not doubt: in "Members asked whether services met the
  needs of male victims" the theme is the topic.
  "would have"/"could have"/"should have" on their own are not hypothetical: in DHR prose they
  are counterfactuals about practice ("a referral to MARAC should have been made"), not doubt
  about whether the abuse happened.
* "question": the mention sits in a question ("Were there signs of coercive control or economic
  abuse?", a sentence or list item ending in "?" or opening with "Did", "Was", "To consider",
  "Whether", ...: the openers are data in themes.toml), or anywhere in a passage of a section that
  states the scope of a review (terms of reference, key lines of enquiry) when the caller passes the
  section kind. A question names what the review asked, not what it found.
* "definition": the mention sits in a sentence that quotes a definition ("Controlling behaviour is: a
  range of acts designed to ...", "The cross-government definition of domestic abuse is: any incident
  or pattern of incidents of controlling, coercive, threatening behaviour, violence or abuse ...",
  "Behaviour is abusive if it consists of any of the following: ..."): it says what a word means, not
  what happened in a case, so a board counting reviews does not count it. The cues are data in
  themes.toml; a sentence that applies the definition to someone ("his behaviour met the definition of
  coercive control", a pronoun or a title such as "Mr" in the sentence) is not a definition.
* "present": otherwise.

Before any of this, the words of agency and service names listed in themes.toml ("Children's
Services", "Adult Social Care", "Drug and Alcohol Team", "Mental Health Trust", ...) are masked for
the negatable themes: a match inside one is dropped, because a panel member's employer is no
evidence of children, care needs or substance use, nor a "Families Strategic Partnership" of what a
family knew (practice themes, which are about agencies, keep it).

Entries of a glossary or a list of abbreviations, an acronym followed by its spelled-out name ("MARAC
Multi-Agency Risk Assessment Conference", "DASH Domestic Abuse, Stalking and Harassment Risk Assessment
Tool", "IDVA – Independent Domestic Violence Advisor"), are masked for every theme: a glossary says what an
abbreviation stands for, not what happened or what any agency did. In prose the name comes first and the
acronym after it in brackets ("a referral to the Multi-Agency Risk Assessment Conference (MARAC)"), which
still counts.

Only themes with ``negatable = true`` lose their count when negated, hypothetical, asked or defined; for the
others (practice themes such as marac, information_sharing, risk_assessment) the mention itself
is the learning, so ``tag()`` counts it whatever its status. ``tag()`` also adds the themes a
present theme implies in the taxonomy (parricide -> adult_family_homicide, non-fatal
strangulation -> physical_abuse, homicide-suicide and suspected victim suicide -> suicide_self_harm).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import spacy
from spacy.attrs import LEMMA, LOWER, ORTH
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kb.taxonomy import ContextRule, Taxonomy, Theme, load_taxonomy, thaw

PRESENT, NEGATED, HYPOTHETICAL, QUESTION, DEFINITION = "present", "negated", "hypothetical", "question", "definition"
# tokens that open a list item or number it, skipped before looking for a question opener
_ITEM_MARK = re.compile(r"^(?:[-–—•·▪*o]|\(?[0-9]{1,3}[.)]?|\(?(?:[ivx]{1,4}|[a-z])[.)]|[0-9]+(?:\.[0-9]+)*\.?)$")
# ... of which a bare number before a word in lower case is a count ("45 were referred"), not an item's number
_COUNT = re.compile(r"^[0-9]+(?:[.,][0-9]+)*$")


@dataclass(frozen=True)
class ThemeMention:
    theme_id: str
    status: str  # "present" | "negated" | "hypothetical" | "question" | "definition"
    start: int  # char offset in the passage text
    end: int
    text: str  # the matched words


# ----------------------------------------------------------------------------- pipeline


@Language.factory("dhr_lower_lemma")
def _make_lower_lemma(nlp: Language, name: str):
    return _LowerLemma(nlp)


class _LowerLemma:
    """Each token's lemma: the lookup lemmatizer's (spacy-lookups-data), lower-cased, a capitalised word's
    looked up in lower case ("Drinking" -> "drink"). It looks lemmas up itself, once per distinct word (the
    same words recur in every passage), so spaCy's lemmatizer, which holds the table, is not run."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self._table = None
        self._known: dict[int, int] = {}  # orth id -> lemma id

    def _lookup(self):
        if self._table is None:
            self._table = self.nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
        return self._table

    def lemma(self, text: str) -> str:
        """What spaCy's lookup lemmatizer gives `text`, lower-cased (looked up in lower case if capitalised)."""
        table = self._lookup()
        found = table.get(text, text)
        found = found if isinstance(found, str) else found[0]
        lower = text.lower()
        return (table.get(lower, found.lower()) if text != lower else found).lower()

    def __call__(self, doc: Doc) -> Doc:
        known = self._known
        if len(known) > 200_000:
            known.clear()
        for tok in doc:
            lemma = known.get(tok.orth)
            if lemma is None:
                lemma = known[tok.orth] = self.nlp.vocab.strings.add(self.lemma(tok.text))
            tok.lemma = lemma
        return doc


def build_nlp() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})  # loads the table; dhr_lower_lemma looks lemmas up
    nlp.add_pipe("dhr_lower_lemma")
    nlp.add_pipe("sentencizer")
    nlp.initialize()
    nlp.disable_pipe("lemmatizer")
    return nlp


# ----------------------------------------------------------------------------- context cues

# Multi-word cues that deny the existence of what follows; they reach further.
STRONG_NEGATION = (
    "no evidence|no evidence of|no evidence that|no evidence to suggest|no indication|no indications|"
    "nothing to suggest|nothing to indicate|nothing that suggested|nothing to show|no suggestion|"
    "no record|no records|no history|no known|no reports|no report|no concerns|no concern|no mention|"
    "no reference|no sign|no signs|no information to suggest|no disclosure|no disclosures|"
    "not known to|was not known|were not known|not previously known|not known|denied|denies|deny|"
    "denying|did not disclose|didn't disclose|never disclosed|not disclosed|did not report|"
    "never reported|absence of|ruled out|free from|not aware of any|unaware of any|there was no|"
    "there were no|there had been no|no contact with|had no contact|never had any contact|"
    "never been in contact|not in contact with|no involvement with|never been known to|"
    "never known to|neither was known to|neither of them was known to|neither party was known to|"
    "neither had been known to|neither of them had been known to|nor was known to|nor were known to|"
    "did not describe|never described|did not mention any|never mentioned|there is no|there are no"
).split("|")
WEAK_NEGATION = frozenset("n't neither never no nobody none nor not nothing without".split())
# cue + next word that do not negate existence
PSEUDO_NEGATION = frozenset(
    """
    adequately always appropriately clearly consistently directly doubt effectively enough explicitly
    explored formally fully further identified immediately just least longer necessarily one only
    properly recognised recognized robustly routinely specifically sufficiently systematically
    thoroughly until well yet
    """.split()
)
# Words that show the negation is about professional practice, not about the phenomenon.
PRACTICE_WORDS = frozenset(
    """
    acknowledge act action adapt address apply appreciate arrange ask assess assessment attend aware
    awareness book challenge check connect consider consideration consult design detect discuss
    discussion document engage enquire enquiry escalate exploration explore flag follow identification
    identify inform inquire inquiry investigate involve know link note notice offer pass pick probe
    provide pursue question raise realise realize receive recognise recognition recognize record
    recording refer referral request respond response review routinely screen see seek share sharing
    signpost spot tailor take tell think treat understand understood use
    exacerbate worsen compound perpetuate facilitate enable prevent tackle reduce stop increase
    """.split()
)
PRACTICE_AFTER = frozenset(
    """
    address arrange ask book complete consider discuss document engage explore follow give identify
    involve make note offer pass provide recognise recognize record refer request seek send share
    undertake use
    """.split()
)
PERCEPTION = frozenset("see hear witness notice".split())
LAY_WITNESSES = frozenset(
    """
    child son daughter family relative friend neighbour colleague sister brother mother father parent
    aunt uncle cousin grandmother grandfather niece nephew flatmate
    """.split()
)
PROFESSIONALS = frozenset(
    """
    agency clinician doctor gp nurse officer police practitioner professional worker staff midwife
    teacher social paramedic
    """.split()
)
BREAK_WORDS = frozenset(
    """
    after although because before but despite except however instead rather since so though until when
    whereas which while whilst who whom yet
    """.split()
)
BREAK_PUNCT = {";", ":", "(", ")", "—", "–", "•", "·", "?", "!"}
CLAUSE_STARTERS = frozenset(
    """
    agencies did had has he her his i is it later officers police she subsequently that the their then
    there they this was we were
    """.split()
)
HYP_CLAUSE = frozenset("if unless whether".split())
# words that, after a comma, start a main clause ("Had she been asked, she might have ...")
_MAIN_CLAUSE = CLAUSE_STARTERS | frozenset("but and so yet although though however i you".split())
# a question someone put ("Members asked whether ..."), not a right or a duty to ask
# ("the right to ask whether")
ASKED = frozenset("asked enquired inquired queried questioned".split())
SUBJECT_PRONOUNS = frozenset("he i she they we".split())
HYP_ADVERBS = frozenset("conceivably hypothetically maybe perhaps possibly potentially".split())
MODALS = frozenset("may might".split())
# "X may be <word>" doubts X only when <word> says whether X was there or mattered
MODAL_BE_DOUBT = frozenset(
    "a an the associated connected contributing due involved linked present related relevant responsible "
    "significant".split()
)
STRONG_WINDOW = 12
WEAK_WINDOW = 4
HYP_WINDOW = 10


_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})


def _normalise(text: str) -> str:
    """Same-length normalisation (curly quotes, no-break spaces) so char offsets stay valid."""
    return text.translate(_QUOTES)


def _is_space(tok) -> bool:
    return tok.is_space or tok.text.strip() == ""


# ----------------------------------------------------------------------------- screened token patterns

_SCREEN_ATTRS = {"ORTH": 0, "TEXT": 0, "LOWER": 1, "LEMMA": 2}  # a pattern's attribute -> column of `Words`
Words = tuple[set[int], set[int], set[int]]  # the orth, lower-case and lemma ids of a doc's tokens


def doc_words(doc: Doc) -> Words:
    """The distinct orth, lower-case and lemma ids of a doc's tokens (the lemmas as the pipeline left them)."""
    values = doc.to_array([ORTH, LOWER, LEMMA])
    return set(values[:, 0].tolist()), set(values[:, 1].tolist()), set(values[:, 2].tolist())


def _must_match(op: str | None) -> bool:
    """Whether a token pattern with this `OP` matches at least one token."""
    if op is None or op in ("1", "+"):
        return True
    counted = re.fullmatch(r"\{(\d+)(?:,\d*)?\}", op)
    return counted is not None and int(counted.group(1)) >= 1


class Search:
    """A REGEX some token's value must satisfy, asked once per distinct value (the same words recur)."""

    def __init__(self, pattern: str, strings) -> None:  # noqa: ANN001 - spaCy StringStore
        self.regex = re.compile(pattern)  # as spaCy's Matcher compiles and searches it
        self.strings = strings
        self._seen: dict[int, bool] = {}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Search) and other.regex == self.regex

    def __hash__(self) -> int:
        return hash(self.regex)

    def any_in(self, ids: set[int]) -> bool:
        seen = self._seen
        if len(seen) > 200_000:
            seen.clear()
        for value in ids:
            hit = seen.get(value)
            if hit is None:
                hit = seen[value] = self.regex.search(self.strings[value]) is not None
            if hit:
                return True
        return False


Need = tuple[int, frozenset[int] | Search]  # column of `Words`, and the ids one of which it must hold, or a Search


def requirements(pattern: list[dict], strings) -> list[Need]:  # noqa: ANN001 - spaCy StringStore
    """What a doc must hold for a Matcher pattern to match in it: for each token that must match and names
    its ORTH, TEXT, LOWER or LEMMA (a value or an IN list), (column of `Words`, ids), of which the doc must
    hold one; for each such token whose value must match a REGEX, (column, Search), which one of the doc's
    values must satisfy. A token that may match nothing, or is tested otherwise (NOT_IN, IS_TITLE, ...),
    requires nothing. The word lists come first: they are the cheaper to check."""
    out: list[Need] = []
    for spec in pattern:
        if not _must_match(spec.get("OP")):
            continue
        for attr, value in spec.items():
            column = _SCREEN_ATTRS.get(attr.upper())
            if column is None:
                continue
            if isinstance(value, dict) and isinstance(value.get("REGEX"), str):
                out.append((column, Search(value["REGEX"], strings)))
            if isinstance(value, dict) and "IN" in value:
                values = value["IN"]
            elif isinstance(value, str | int):
                values = [value]
            else:
                continue
            out.append((column, frozenset(strings.add(v) if isinstance(v, str) else v for v in values)))
    return sorted(out, key=lambda need: isinstance(need[1], Search))


_GLOSSARY_SKIP = frozenset({"and", "of", "the", "for", "in", "on", "to", "a", "&", "-", ",", "/", "(", ")"})
_GLOSSARY_SEPARATORS = frozenset({"-", "–", "—", ":", "=", "("})


def glossary_entries(doc: Doc) -> list[tuple[int, int]]:
    """Spans (start, end) of glossary entries: an acronym of 2-8 capitals followed at once (or after a
    dash, colon or bracket) by words whose initials spell it ("MAPPA Multi-Agency Public Protection
    Arrangements", "BPSD Behaviour Psychological Symptoms of dementia"); the entry runs on over the
    capitalised words after the initials ("DASH Domestic Abuse, Stalking and Harassment Risk Assessment
    Tool") up to the next acronym, a lower-case word or the end of the sentence."""
    out: list[tuple[int, int]] = []
    n = len(doc)
    i = 0
    while i < n:
        tok = doc[i]
        acro = tok.text
        if not (2 <= len(acro) <= 8 and acro.isalpha() and acro.isupper()):
            i += 1
            continue
        j = i + 1
        while j < n and doc[j].text in _GLOSSARY_SEPARATORS:
            j += 1
        k = 0
        first = True
        while j < n and k < len(acro):
            word = doc[j].text
            if word[:1].upper() == acro[k] and word[:1].isalpha() and (not first or word[:1].isupper()):
                k += 1
                first = False
            elif word.lower() in _GLOSSARY_SKIP and not first:
                pass
            else:
                break
            j += 1
        if k < len(acro):
            i += 1
            continue
        # the capitalised words that finish the name ("... Risk Assessment Tool")
        while j < n and (doc[j].text in {",", "-", "&", "and", "of"} or (doc[j].is_title and not doc[j].is_sent_start)):
            if doc[j].text.isupper() and len(doc[j].text) > 1:
                break
            j += 1
        out.append((i, j))
        i = j
    return out


class ScreenedMatcher:
    """A spaCy Matcher that tries each pattern only on docs holding the words it requires (`requirements`).

    It finds the same (key, start, end) matches as one Matcher holding every pattern (in another order):
    a pattern whose required words are not all in a doc cannot match there. Most passages hold the words
    of few of the taxonomy's token patterns, and a Matcher's time grows with tokens x patterns.
    """

    def __init__(self, vocab) -> None:  # noqa: ANN001 - spaCy Vocab
        self.vocab = vocab
        self.patterns: list[tuple[str, list[dict]]] = []  # (key, pattern) in the order added
        self._matchers: list[tuple[list[Need], Matcher]] = []  # one per pattern

    def add(self, key: str, patterns: list[list[dict]]) -> None:
        for pattern in patterns:
            matcher = Matcher(self.vocab)
            matcher.add(key, [pattern])
            self.patterns.append((key, pattern))
            self._matchers.append((requirements(pattern, self.vocab.strings), matcher))

    def __call__(self, doc: Doc, words: Words | None = None) -> list[tuple[int, int, int]]:
        words = words if words is not None else doc_words(doc)
        found: dict[tuple[int, int, int], None] = {}
        for needs, matcher in self._matchers:
            if all(need.any_in(words[column]) if isinstance(need, Search) else not words[column].isdisjoint(need)
                   for column, need in needs):
                found.update(dict.fromkeys(matcher(doc)))
        return list(found)


class ThemeTagger:
    """Tag passages with taxonomy themes; see the module docstring for the context rules."""

    def __init__(self, taxonomy: Taxonomy | None = None) -> None:
        self.taxonomy = taxonomy or load_taxonomy()
        self.nlp = build_nlp()
        self._busy = threading.Lock()  # ingest tags on its reader thread and, for changed files, its main one
        vocab = self.nlp.vocab
        self._lemma = PhraseMatcher(vocab, attr="LEMMA")
        self._lower = PhraseMatcher(vocab, attr="LOWER")
        self._orth = PhraseMatcher(vocab, attr="ORTH")
        self._tokens = ScreenedMatcher(vocab)
        self._cues = PhraseMatcher(vocab, attr="LOWER")
        self._rules: dict[str, ContextRule] = {}
        self._negatable = {t.id: t.negatable for t in self.taxonomy}
        # organisation names are masked for every theme about people and what happened to them; practice
        # themes are about agencies and keep them
        self._masks_orgs = {t.id: t.negatable or t.group != "practice" for t in self.taxonomy}
        for theme in self.taxonomy:
            self._add_theme(theme)
        ctx = self.taxonomy.context
        self._orgs = PhraseMatcher(vocab, attr="ORTH")
        self._org_tokens = ScreenedMatcher(vocab)
        if ctx.organisations:
            names = self._variants(ctx.organisations)
            names += [n.replace("'s ", " ").replace("'s,", ",") for n in names if "'s" in n]
            names += [n.replace("'s ", "s ") for n in names if "'s" in n]
            names += [n.upper() for n in names]
            self._orgs.add("ORG", [self.nlp.make_doc(n) for n in dict.fromkeys(names)])
        if ctx.organisation_patterns:
            self._org_tokens.add("ORG", [thaw(p) for p in ctx.organisation_patterns])
        self._question_sections = frozenset(ctx.question_sections)
        self._openers = tuple(tuple(o.split()) for o in ctx.question_openers)
        self._cues.add("NEG", [self.nlp.make_doc(c) for c in STRONG_NEGATION])
        self._definitions = PhraseMatcher(vocab, attr="LOWER")
        if ctx.definition_cues:
            self._definitions.add("DEF", [self.nlp.make_doc(c) for c in ctx.definition_cues])
        self._definition_tokens = ScreenedMatcher(vocab)
        if ctx.definition_patterns:
            self._definition_tokens.add("DEF", [thaw(p) for p in ctx.definition_patterns])
        self._applied = frozenset(ctx.definition_applied)

    # -- building

    @staticmethod
    def _variants(phrases: Iterable[str]) -> list[str]:
        out: list[str] = []
        for p in phrases:
            p = " ".join(p.split())
            for v in (p, re.sub(r"(?<=\w)-(?=\w)", " ", p), re.sub(r"(?<=\w)-(?=\w)", "", p)):
                if v not in out:
                    out.append(v)
        return out

    def _lemma_docs(self, phrases: Iterable[str]) -> list[Doc]:
        return list(self.nlp.pipe(self._variants(phrases)))

    def _add_theme(self, theme: Theme) -> None:
        pos, exc = f"{theme.id}|p", f"{theme.id}|x"
        if theme.patterns:
            self._lemma.add(pos, self._lemma_docs(theme.patterns))
        if theme.exact:
            self._lower.add(pos, [self.nlp.make_doc(p.lower()) for p in self._variants(theme.exact)])
        if theme.case_sensitive:
            cs = list(theme.case_sensitive)
            cs += [p + "s" for p in theme.case_sensitive if p[-1].isupper()]
            self._orth.add(pos, [self.nlp.make_doc(p) for p in dict.fromkeys(cs)])
        if theme.token_patterns:
            self._tokens.add(pos, [thaw(p) for p in theme.token_patterns])
        if theme.exclude:
            self._lemma.add(exc, self._lemma_docs(theme.exclude))
        for i, rule in enumerate(theme.requires):
            key = f"{theme.id}|r{i}"
            if rule.patterns:
                self._lemma.add(key, self._lemma_docs(rule.patterns))
            if rule.exact:
                self._lower.add(key, [self.nlp.make_doc(p.lower()) for p in self._variants(rule.exact)])
            if rule.token_patterns:
                self._tokens.add(key, [thaw(p) for p in rule.token_patterns])
            phrases = [p for p in rule.unless_patterns if isinstance(p, str)]
            tokens = [thaw(p) for p in rule.unless_patterns if not isinstance(p, str)]
            if phrases:
                self._lemma.add(f"{theme.id}|u{i}", self._lemma_docs(phrases))
            if tokens:
                self._tokens.add(f"{theme.id}|u{i}", tokens)
            self._rules[key] = rule

    # -- public API

    def mentions(self, text: str, section_kind: str | None = None) -> list[ThemeMention]:
        """Every theme mention in ``text`` with its status. ``section_kind`` is the kind of the section
        the passage sits in (kb/sections.py), when known: a scope section's mentions are questions."""
        with self._busy:
            return self._mentions(self.nlp(_normalise(text)), text, section_kind)

    def tag(self, text: str, section_kind: str | None = None) -> list[str]:
        """Sorted ids of the themes counted as present in ``text``."""
        return self.present_ids(self.mentions(text, section_kind))

    def tag_many(
        self, texts: Iterable[str], batch_size: int = 64, section_kinds: Iterable[str | None] | None = None
    ) -> list[list[ThemeMention]]:
        originals = list(texts)
        kinds = list(section_kinds) if section_kinds is not None else [None] * len(originals)
        with self._busy:  # spaCy's pipeline and matchers are not safe to run from two threads at once
            docs = self.nlp.pipe((_normalise(t) for t in originals), batch_size=batch_size)
            return [self._mentions(doc, text, kind) for doc, text, kind in zip(docs, originals, kinds, strict=True)]

    def counts(self, mention: ThemeMention) -> bool:
        """Whether a mention counts towards its theme being present."""
        return mention.status == PRESENT or not self._negatable.get(mention.theme_id, True)

    def present_ids(self, mentions: Iterable[ThemeMention]) -> list[str]:
        """Ids counted as present, plus the themes they imply (e.g. parricide -> adult_family_homicide)."""
        return sorted(self.taxonomy.with_implied({m.theme_id for m in mentions if self.counts(m)}))

    # -- matching

    def _mentions(self, doc: Doc, text: str, section_kind: str | None = None) -> list[ThemeMention]:
        found: dict[str, list[Span]] = {}
        excluded: dict[str, list[tuple[int, int]]] = {}
        words = doc_words(doc)
        masked = [(s, e) for _, s, e in [*self._orgs(doc), *self._org_tokens(doc, words)]]
        glossary = glossary_entries(doc)
        strings = self.nlp.vocab.strings
        matches = [(strings[k], s, e) for k, s, e in
                   [*self._lemma(doc), *self._lower(doc), *self._orth(doc), *self._tokens(doc, words)]]
        # what a rule's `unless_patterns` found, by rule ("children_present|r1")
        vetoes: dict[str, list[tuple[int, int]]] = {}
        for key, start, end in matches:
            tid, kind = key.rsplit("|", 1)
            if kind.startswith("u"):
                vetoes.setdefault(f"{tid}|r{kind[1:]}", []).append((start, end))
        for key, start, end in matches:
            tid, kind = key.rsplit("|", 1)
            if kind == "x":
                excluded.setdefault(tid, []).append((start, end))
                continue
            if kind.startswith("u"):
                continue
            if kind.startswith("r") and not self._context_ok(doc, start, end, self._rules[key], vetoes.get(key, ())):
                continue
            found.setdefault(tid, []).append(doc[start:end])
        if not found:
            return []
        cue_ends = self._strong_cue_ends(doc)
        asked = section_kind in self._question_sections
        questions = None if asked else self._question_tokens(doc, {s.start for spans in found.values() for s in spans})
        defined = self._defined_tokens(doc, words)
        out: list[ThemeMention] = []
        for tid, spans in found.items():
            # agency names are no evidence of what happened to people (negatable themes); practice themes
            # are about agencies, so a board or a team still counts for multi-agency working
            ex = [*excluded.get(tid, ()), *glossary, *(masked if self._masks_orgs.get(tid, True) else ())]
            spans = [s for s in spans if not any(s.start < e and s.end > b for b, e in ex)]
            for span in filter_spans(spans):
                if asked or (questions is not None and span.start in questions):
                    status = QUESTION
                elif span.start in defined:
                    status = DEFINITION
                else:
                    status = self._status(doc, span.start, span.end, cue_ends)
                out.append(
                    ThemeMention(
                        tid, status, span.start_char, span.end_char, text[span.start_char : span.end_char]
                    )
                )
        out.sort(key=lambda m: (m.start, m.end, m.theme_id))
        return out

    def _defined_tokens(self, doc: Doc, words: Words | None = None) -> set[int]:
        """Indices of the tokens of the sentences that quote a definition: a definition cue of the taxonomy
        ("defined as", "definition of", "Controlling behaviour is:", "any incident or pattern of
        incidents") and none of its words that apply a definition to someone ("met", "fell", "she", "Mr")."""
        hits = [s for _, s, _ in [*self._definitions(doc), *self._definition_tokens(doc, words)]]
        out: set[int] = set()
        for sent in {doc[i].sent for i in hits}:
            if not any(tok.lower_ in self._applied or tok.lemma_ in self._applied for tok in sent):
                out.update(range(sent.start, sent.end))
        return out

    def _question_tokens(self, doc: Doc, near: set[int] | None = None) -> set[int]:
        """Indices of the tokens inside a question: a sentence or list item that ends in "?" or opens
        with one of the taxonomy's question openers ("Were there ...", "Did ...", "To consider ...").
        With `near` (token indices), only the sentences holding one of them are read."""
        out: set[int] = set()
        for sent in doc.sents:
            if near is not None and not any(sent.start <= i < sent.end for i in near):
                continue
            seg: list[int] = []
            for tok in sent:
                newline = _is_space(tok) and "\n" in tok.text
                if newline or tok.text in {"•", "·", "▪"}:
                    if self._is_question(doc, seg):
                        out.update(seg)
                    seg = []
                    if newline:
                        continue
                seg.append(tok.i)
            if self._is_question(doc, seg):
                out.update(seg)
        return out

    def _is_question(self, doc: Doc, seg: list[int]) -> bool:
        words = [i for i in seg if not _is_space(doc[i])]
        if not words:
            return False
        k = 0
        while k < len(words) and (_ITEM_MARK.match(doc[words[k]].lower_) or doc[words[k]].is_punct):
            k += 1
        tail = [i for i in words if doc[i].text not in {'"', "'", ")", "]", "”", "’"}]
        if tail and doc[tail[-1]].text == "?":
            return True
        # a number before a verb in lower case is a count, the subject of a finding ("45 were referred to MARAC",
        # "11.7% were forced to sleep rough"), not a list item's number ("2. Were the children seen?")
        counted = any(_COUNT.match(doc[words[j]].text) for j in range(k))
        if counted and k < len(words) and doc[words[k]].text[:1].islower():
            return False
        first = [doc[i].lower_ for i in words[k : k + 4]]
        opener = next((o for o in self._openers if tuple(first[: len(o)]) == o), None)
        if opener is None:
            return False
        # "Had she been asked, she might have ..." opens with an auxiliary but is a conditional, and in
        # "Whether he was in crisis could not be established, but he had been prescribed ..." the
        # clause after the comma is a finding: a one-word opener counts only when no comma opens a
        # main clause ("Whether there is presence of alcohol, drugs or mental illness" is a question)
        return len(opener) > 1 or not any(
            doc[i].text == "," and j + 1 < len(words) and doc[words[j + 1]].lower_ in _MAIN_CLAUSE
            for j, i in enumerate(words) if j >= k
        )

    @staticmethod
    def _context_ok(
        doc: Doc, start: int, end: int, rule: ContextRule, vetoes: Iterable[tuple[int, int]] = ()
    ) -> bool:
        """Whether a mention of one of ``rule``'s phrases at ``start:end`` is in the company the rule
        asks for; ``vetoes`` are the spans its ``unless_patterns`` matched in the passage."""
        if rule.scope == "passage":
            lo, hi = 0, len(doc)
        else:
            sent = doc[start].sent
            lo, hi = max(sent.start, start - rule.window), min(sent.end, end + rule.window)
        if any(b < hi and e > lo for b, e in vetoes):
            return False
        near = {w for i in range(lo, hi) if not start <= i < end for w in (doc[i].lemma_, doc[i].lower_)}
        if rule.unless and near & set(rule.unless):
            return False
        if rule.passage_context and not any(
            tok.lemma_ in rule.passage_context or tok.lower_ in rule.passage_context for tok in doc
        ):
            return False
        return not rule.context or bool(near & set(rule.context))

    def _strong_cue_ends(self, doc: Doc) -> dict[int, int]:
        """end token index -> start token index of each strong negation cue."""
        ends: dict[int, int] = {}
        for _, s, e in self._cues(doc):
            ends[e] = min(s, ends.get(e, s))
        # "Neither Anna nor Mr B was known to mental health services": a negated "known to"
        for tok in doc[:-1]:
            if tok.lower_ == "known" and doc[tok.i + 1].lower_ == "to":
                for k in range(tok.i - 1, max(tok.sent.start, tok.i - 8) - 1, -1):
                    if self._is_break(doc[k], weak=False):
                        break
                    if doc[k].lower_ in {"neither", "nor", "not", "never", "n't"}:
                        ends[tok.i + 2] = min(k, ends.get(tok.i + 2, k))
                        break
        return ends

    # -- context rules

    @staticmethod
    def _is_break(tok, weak: bool) -> bool:
        low = tok.lower_
        if low in BREAK_WORDS or low in BREAK_PUNCT or _is_space(tok) and "\n" in tok.text:
            return True
        if low == "-":  # a spaced dash separates clauses; a hyphen inside "self-harm" does not
            return bool(tok.whitespace_) and tok.i > 0 and bool(tok.doc[tok.i - 1].whitespace_)
        if low == ",":
            if weak:
                return True
            nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
            return nxt is not None and nxt.lower_ in CLAUSE_STARTERS
        if low == "and":
            nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
            return nxt is not None and nxt.lower_ in CLAUSE_STARTERS
        return False

    def _status(self, doc: Doc, start: int, end: int, cue_ends: dict[int, int]) -> str:
        if self._negated(doc, start, end, cue_ends):
            return NEGATED
        if self._hypothetical(doc, start, end):
            return HYPOTHETICAL
        return PRESENT

    def _negated(self, doc: Doc, start: int, end: int, cue_ends: dict[int, int]) -> bool:
        sent_start = doc[start].sent.start
        # walk back from the mention; i is the token being inspected
        practice_between = weak_blocked = False
        for i in range(start - 1, max(sent_start, start - STRONG_WINDOW - 4) - 1, -1):
            tok = doc[i]
            gap = start - i - 1  # tokens strictly between tok and the mention
            if i + 1 in cue_ends and start - (i + 1) <= STRONG_WINDOW and not self._pseudo(doc, i):
                return True
            if tok.lower_ in WEAK_NEGATION and not weak_blocked and gap <= WEAK_WINDOW:
                if not self._pseudo(doc, i) and not practice_between:
                    if not (tok.lower_ == "no" and gap <= 2 and self._practice_after(doc, end)):
                        return True
            if (tok.lemma_ in PRACTICE_WORDS or tok.lower_ in PRACTICE_WORDS) and not self._known_to(doc, i) \
                    and not self._lay_witness(doc, i):
                practice_between = True
            if self._is_break(tok, weak=False):
                return False
            if self._is_break(tok, weak=True):
                weak_blocked = True
        return False

    @staticmethod
    def _pseudo(doc: Doc, i: int) -> bool:
        nxt = doc[i + 1].lower_ if i + 1 < len(doc) else ""
        if nxt in PSEUDO_NEGATION:
            return True
        if doc[i].lower_ == "without" and nxt in {"her", "his", "their", "my", "our", "your"}:
            return True  # "sent back without her children": they exist, they are kept from her
        # "not" + practice verb: "not identified", "did not recognise" handled by practice_between;
        # "not only", "no longer" by the table. "whether or not" is not a negation either.
        return (
            doc[i].lower_ == "not" and i >= 2 and doc[i - 1].lower_ == "or" and doc[i - 2].lower_ == "whether"
        )

    @staticmethod
    def _lay_witness(doc: Doc, i: int) -> bool:
        """A relative or friend who never saw or heard it is a witness saying it did not happen, not
        a professional missing it: "her children said they never saw their father hit her"."""
        if doc[i].lemma_ not in PERCEPTION:
            return False
        sent_start = doc[i].sent.start
        for k in range(i - 1, max(sent_start, i - 10) - 1, -1):
            if doc[k].lemma_ in LAY_WITNESSES:
                return True
            if doc[k].lemma_ in PROFESSIONALS:
                return False
        return False

    @staticmethod
    def _known_to(doc: Doc, i: int) -> bool:
        """"known to (services)" says whether there was contact, not what a professional knew:
        "neither was known to substance misuse services" denies the contact."""
        return doc[i].lemma_ == "know" and i + 1 < len(doc) and doc[i + 1].lower_ == "to"

    @staticmethod
    def _practice_after(doc: Doc, end: int) -> bool:
        sent_end = doc[end - 1].sent.end
        for j in range(end, min(sent_end, end + 4)):
            tok = doc[j]
            if tok.lemma_ in PRACTICE_AFTER:
                return True
            if tok.lower_ in BREAK_WORDS or tok.lower_ in BREAK_PUNCT or tok.lower_ == ",":
                return False
        return False

    def _hypothetical(self, doc: Doc, start: int, end: int) -> bool:
        sent = doc[start].sent
        # inverted conditional at the start of the sentence: "Had she been asked ..., ..."
        first = sent.start
        while first < start and (doc[first].is_punct or _is_space(doc[first])):
            first += 1
        if doc[first].lower_ in {"had", "were", "should"} and first < start:
            if not any(doc[k].lower_ == "," for k in range(first, start)):
                return True
        # if / whether / unless clause containing the mention. The clause ends at a comma, or where
        # a new subject starts the main clause: "if she left him he would kill her".
        for i in range(start - 1, sent.start - 1, -1):
            tok = doc[i]
            if tok.lower_ in {",", ";", ":"} or tok.lower_ in {"but", "however", "then"}:
                break
            if tok.lower_ in SUBJECT_PRONOUNS and i > sent.start and doc[i - 1].lower_ not in HYP_CLAUSE:
                break
            if tok.lower_ in HYP_CLAUSE:
                if tok.lower_ == "if" and i > 0 and doc[i - 1].lower_ in {"as", "even"}:
                    break
                # "Members asked whether services met the needs of male victims": the question
                # makes the theme the topic, it does not doubt it
                if tok.lower_ in {"whether", "if"} and any(
                    doc[k].lower_ in ASKED for k in range(max(sent.start, i - 3), i)
                ):
                    break
                return True
        # epistemic modals and adverbs near the mention
        lo = max(sent.start, start - HYP_WINDOW)
        for i in range(start - 1, lo - 1, -1):
            tok = doc[i]
            if self._is_break(tok, weak=False) or tok.lower_ == ",":
                break
            if tok.lower_ in HYP_ADVERBS or self._modal(doc, i) or self._possible_that(doc, i):
                return True
        for j in range(end, min(sent.end, end + 4)):
            tok = doc[j]
            if self._is_break(tok, weak=False) or tok.lower_ == ",":
                break
            if self._modal_after(doc, j) or tok.lower_ in HYP_ADVERBS:
                return True
        return False

    @classmethod
    def _modal_after(cls, doc: Doc, j: int) -> bool:
        """A modal after the mention doubts it ("alcohol may have played a part", "drugs may be a
        factor") unless it only hedges what the mention does ("male victims may be reluctant to
        seek help", "older people may be less likely to be asked")."""
        if not cls._modal(doc, j):
            return False
        nxt = [doc[k].lower_ for k in range(j + 1, min(len(doc), j + 4))]
        if nxt[0] == "be" or nxt[:2] in (["well", "be"], ["also", "be"]):
            rest = nxt[1:] if nxt[0] == "be" else nxt[2:]
            return bool(rest) and rest[0] in MODAL_BE_DOUBT
        return True

    @staticmethod
    def _modal(doc: Doc, i: int) -> bool:
        if doc[i].lower_ not in MODALS:
            return False
        nxt = [doc[k].lower_ for k in range(i + 1, min(len(doc), i + 3))]
        return bool(nxt) and (nxt[0] in {"have", "be", "well", "also"} or nxt[:2] == ["not", "have"])

    @staticmethod
    def _possible_that(doc: Doc, i: int) -> bool:
        return (
            doc[i].lower_ in {"possible", "possibility", "unclear", "unknown", "uncertain"}
            and i + 1 < len(doc)
            and doc[i + 1].lower_ in {"that", "whether", "if"}
        )


_default: ThemeTagger | None = None
_default_lock = threading.Lock()


def default_tagger() -> ThemeTagger:
    """A shared tagger over the packaged taxonomy (building one takes about a second)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = ThemeTagger()
        return _default
