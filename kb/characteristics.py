"""Case characteristics a DHR states about itself: kind of review, the victim's age band and sex,
the perpetrator's relationship to the victim, and the year of death.

Only what the text says plainly is taken, from the title page and the opening sections (the first
``SCAN_CHARS`` characters), where reviews introduce the case: "This review examines the death of
'Anna', a 34 year old woman who was killed at her home in June 2019 by her former partner",
"Mrs D, aged 81, was killed by her adult son", "Mr F killed his father", "The review was
commissioned following the death of Ms J, who took her own life in March 2020". Anything not
stated is left out rather than guessed; a `.meta.json` sidecar overrides every value.

Values (the keys of ``DocumentMeta.extra``):

* review_kind: intimate_partner_homicide | adult_family_homicide | suspected_victim_suicide
* victim_age_band: the decade of the victim's age: "30-39", "70-79" (a 17 year old gives "10-19")
* victim_sex: female | male
* relationship: what the perpetrator (or, in a suicide review, the abuser) was to the victim:
  partner | ex-partner | son | daughter | grandson | granddaughter | brother | sister | father |
  mother | other family member
* year_of_death: "2019"
"""

from __future__ import annotations

import re

SCAN_CHARS = 15000
CHARACTERISTICS = ("review_kind", "victim_age_band", "victim_sex", "relationship", "year_of_death")

REVIEW_KINDS = (
    "intimate_partner_homicide",
    "adult_family_homicide",
    "homicide_suicide",
    "suspected_victim_suicide",
)
RELATIONSHIPS = (
    "partner",
    "ex-partner",
    "son",
    "daughter",
    "grandson",
    "granddaughter",
    "brother",
    "sister",
    "father",
    "mother",
    "other family member",
)
PARTNER_RELATIONSHIPS = frozenset({"partner", "ex-partner"})

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
)
_YEAR = r"((?:19|20)\d{2})"
_SEASON = r"(?:early|late|mid|the\s+(?:spring|summer|autumn|winter)\s+of|spring|summer|autumn|winter)"
_DATE_TAIL = rf"(?:(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?:of\s+)?(?:{_MONTHS})\.?,?\s+|{_SEASON}\s+)?{_YEAR}"

# Relationship words as printed, and what the perpetrator then is to the victim.
_PARTNER = (
    r"partner|husband|wife|boyfriend|girlfriend|spouse|fianc[eé]e?|civil\s+partner|cohabitee|"
    r"co-habitee|long-term\s+partner|common-law\s+(?:husband|wife|partner)"
)
_EX = r"former|ex|ex-|estranged|previous|separated"
_FAMILY = {
    "son": "son",
    "stepson": "son",
    "step-son": "son",
    "daughter": "daughter",
    "stepdaughter": "daughter",
    "step-daughter": "daughter",
    "grandson": "grandson",
    "granddaughter": "granddaughter",
    "brother": "brother",
    "half-brother": "brother",
    "stepbrother": "brother",
    "sister": "sister",
    "half-sister": "sister",
    "stepsister": "sister",
    "father": "father",
    "stepfather": "father",
    "step-father": "father",
    "dad": "father",
    "mother": "mother",
    "stepmother": "mother",
    "step-mother": "mother",
    "mum": "mother",
    "nephew": "other family member",
    "niece": "other family member",
    "uncle": "other family member",
    "aunt": "other family member",
    "cousin": "other family member",
    "grandfather": "other family member",
    "grandmother": "other family member",
    "brother-in-law": "other family member",
    "sister-in-law": "other family member",
    "son-in-law": "other family member",
    "daughter-in-law": "other family member",
    "father-in-law": "other family member",
    "mother-in-law": "other family member",
}
_FAMILY_RE = "|".join(sorted((re.escape(k) for k in _FAMILY), key=len, reverse=True))
_REL_ADJ = r"(?:adult|eldest|elder|oldest|youngest|younger|older|own|only|then|current|long-term|teenage)"
_REL = rf"(?:(?P<mod>{_EX})[\s-]*)?(?:{_REL_ADJ}\s+)?(?P<rel>{_PARTNER}|{_FAMILY_RE})"

# What the victim is to the perpetrator -> what the perpetrator is to the victim, by perpetrator sex.
_INVERSE = {
    "mother": ("son", "daughter"),
    "father": ("son", "daughter"),
    "mum": ("son", "daughter"),
    "dad": ("son", "daughter"),
    "parent": ("son", "daughter"),
    "stepmother": ("son", "daughter"),
    "stepfather": ("son", "daughter"),
    "son": ("father", "mother"),
    "daughter": ("father", "mother"),
    "stepson": ("father", "mother"),
    "stepdaughter": ("father", "mother"),
    "brother": ("brother", "sister"),
    "sister": ("brother", "sister"),
    "grandmother": ("grandson", "granddaughter"),
    "grandfather": ("grandson", "granddaughter"),
}
_FEMALE_WORDS = {
    "wife",
    "girlfriend",
    "fiancee",
    "fiancée",
    "mother",
    "mum",
    "stepmother",
    "sister",
    "daughter",
    "stepdaughter",
    "grandmother",
    "granddaughter",
    "aunt",
    "niece",
    "woman",
    "lady",
    "widow",
    "female",
    "girl",
}
_MALE_WORDS = {
    "husband",
    "boyfriend",
    "fiance",
    "fiancé",
    "father",
    "dad",
    "stepfather",
    "brother",
    "son",
    "stepson",
    "grandfather",
    "grandson",
    "uncle",
    "nephew",
    "man",
    "gentleman",
    "widower",
    "male",
    "boy",
}

_KILL = (
    r"(?:killed|murdered|stabbed|strangled|shot|beaten\s+to\s+death|fatally\s+(?:stabbed|injured|assaulted|"
    r"attacked|wounded|shot)|unlawfully\s+killed|assaulted|attacked|suffocated|smothered|set\s+alight)"
)
_NAME = r"(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+[A-Z][\w'-]*"
_KILL_ACTIVE = r"(?:killed|murdered|stabbed|strangled|shot|fatally\s+(?:stabbed|assaulted|attacked|injured))"
_SENT_SPLIT = re.compile(r"(?<=[.!?])[\"'\u201d\u2019]?\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])|\n\s*\n")
_ACT_YEAR = re.compile(r"\b(?:Act|Regulations|Order|Strategy|Plan|Guidance|Review)\s+(?:19|20)\d{2}\b")

_KIND_PHRASES = {
    "intimate_partner_homicide": re.compile(
        r"\bintimate[\s-]partner\s+(?:homicide|femicide|killing)\b", re.I
    ),
    "adult_family_homicide": re.compile(
        r"\b(?:adult\s+family|familial)\s+homicide\b|\b(?:matricide|patricide|parricide)\b", re.I
    ),
    "homicide_suicide": re.compile(
        r"\b(?:homicide|murder)[\s-]suicide\b|\bhomicide\s+(?:is\s+|was\s+)?followed\s+by\s+"
        r"(?:the\s+)?suicide\b|\bdyadic\s+death\b",
        re.I,
    ),
    "suspected_victim_suicide": re.compile(
        r"\b(?:suspected|apparent|probable)\s+(?:victim\s+)?suicide\b|\bdomestic[\s-]abuse[\s-]related\s+"
        r"(?:death\s+by\s+)?suicide\b|\bvictim\s+suicide\b",
        re.I,
    ),
}
_SUICIDE = re.compile(
    r"\b(?P<who>[A-Z][\w']+|she|he|the\s+victim)?\s*(?:had\s+)?(?:took|taken|take|ended|end)\s+(?P<pron>her|his)\s+own\s+life\b"
    r"|\b(?:death|died)\s+by\s+suicide\b|\b(?:hanged|hung)\s+(?P<refl>herself|himself)\b"
    r"|\bsuicide\s+of\s+(?:Ms|Mrs|Miss|Mr)\b",
    re.I,
)


def _sentences(text: str) -> list[str]:
    return [" ".join(s.split()) for s in _SENT_SPLIT.split(text) if s and s.strip()]


def _name_key(name: str) -> str:
    return " ".join(name.replace(".", "").lower().split())


def _band(age: int) -> str:
    lo = age // 10 * 10
    return f"{lo}-{lo + 9}"


def _sex_of(word: str | None) -> str | None:
    if not word:
        return None
    w = word.lower()
    if w in _FEMALE_WORDS or w in {"her", "she", "herself", "ms", "mrs", "miss"}:
        return "female"
    if w in _MALE_WORDS or w in {"his", "he", "him", "himself", "mr"}:
        return "male"
    return None


def _relationship(rel: str, mod: str | None) -> str:
    rel = " ".join(rel.lower().split())
    if rel in _FAMILY:
        return _FAMILY[rel]
    return "ex-partner" if mod else "partner"


class _Finder:
    def __init__(self, text: str) -> None:
        self.head = text[:SCAN_CHARS]
        self.sentences = _sentences(self.head)
        self.found: dict[str, str] = {}

    def put(self, key: str, value: str | None) -> None:
        if value and key not in self.found:
            self.found[key] = value

    # -- relationship and sex, from statements of the killing

    def killing(self) -> None:
        passive = re.compile(
            rf"\b(?:was|were|been|being|is)\s+(?:\w+\s+){{0,2}}?{_KILL}\b(?:[^.;]{{0,80}}?)\bby\s+(?P<pron>her|his|their)\s+{_REL}\b",
            re.I,
        )
        perp_is = re.compile(
            rf"\b(?:perpetrator|suspect|killer|defendant|assailant)\b[^.;]{{0,40}}?\b(?:was|is|had\s+been)\s+(?:the\s+victim's|"
            rf"(?P<pron>her|his))\s+{_REL}\b",
            re.I,
        )
        rel_did = re.compile(
            rf"\b(?P<pron>[Hh]er|[Hh]is)\s+{_REL},?\s+(?:[A-Z][\w']*(?:\s+[A-Z][\w']*)?,?\s+)?(?:was\s+(?:later\s+)?"
            rf"(?:convicted|found\s+guilty)\s+of\s+(?:her|his)\s+(?:murder|manslaughter)|pleaded\s+guilty\s+to\s+"
            rf"(?:her|his)\s+(?:murder|manslaughter)|{_KILL_ACTIVE}\s+(?:her|him))\b",
        )
        active = re.compile(
            rf"\b(?P<perp>Mr|Mrs|Ms|Miss|[Hh]e|[Ss]he|[A-Z][\w']+)\b[^.;]{{0,30}}?\b{_KILL_ACTIVE}\s+(?P<pron>his|her)\s+"
            rf"(?:(?P<mod>{_EX})[\s-]*)?(?:(?:elderly|older|younger|own|disabled|adult|teenage)\s+)?(?P<vrel>{_PARTNER}|"
            rf"mother|father|mum|dad|parent|stepmother|stepfather|son|daughter|stepson|stepdaughter|brother|sister|"
            rf"grandmother|grandfather)\b",
        )
        aliases = self.aliases()
        by_name = re.compile(
            rf"\b(?:was|were)\s+(?:\w+\s+){{0,2}}?{_KILL}\b[^.;]{{0,80}}?\bby\s+(?P<name>{_NAME})"
        )
        name_did = re.compile(rf"(?P<name>{_NAME}),?\s+(?:\w+\s+)?{_KILL_ACTIVE}\s+(?:her|him|[A-Z][\w']+)\b")
        for s in self.sentences:
            m = by_name.search(s) or name_did.search(s)
            named = aliases.get(_name_key(m.group("name"))) if m else None
            if named:
                rel, pron = named
                self.put("relationship", rel)
                self.put("victim_sex", _sex_of(pron))
                return
            m = passive.search(s) or perp_is.search(s) or rel_did.search(s)
            if m:
                rel = _relationship(m.group("rel"), m.group("mod"))
                self.put("relationship", rel)
                pron = m.groupdict().get("pron")
                self.put("victim_sex", _sex_of(pron))
                return
            m = active.search(s)
            if m:
                vrel = " ".join(m.group("vrel").lower().split())
                perp_sex = _sex_of(m.group("pron"))
                if re.fullmatch(_PARTNER, vrel, re.I):
                    self.put("relationship", "ex-partner" if m.group("mod") else "partner")
                elif vrel in _INVERSE and perp_sex:
                    self.put("relationship", _INVERSE[vrel][0 if perp_sex == "male" else 1])
                else:
                    continue
                self.put(
                    "victim_sex",
                    _sex_of(vrel)
                    or ("female" if vrel in {"partner", "spouse"} and perp_sex == "male" else None),
                )
                return

    def aliases(self) -> dict[str, tuple[str, str]]:
        """How the review names the people around the victim: "her husband, Mr K" and "Mr K, her
        husband" give {"mr k": ("partner", "her")}."""
        out: dict[str, tuple[str, str]] = {}
        rel_name = re.compile(
            rf"\b(?P<pron>[Hh]er|[Hh]is)\s+{_REL}(?:\s+of\s+\w+\s+years)?,?\s+(?:(?:referred\s+to|"
            rf"known)\s+(?:in\s+this\s+(?:report|review)\s+)?as\s+)?(?P<name>{_NAME})"
        )
        name_rel = re.compile(rf"(?P<name>{_NAME}),\s+(?P<pron>her|his)\s+{_REL}\b")
        for rx in (rel_name, name_rel):
            for m in rx.finditer(self.head):
                out.setdefault(
                    _name_key(m.group("name")),
                    (_relationship(m.group("rel"), m.group("mod")), m.group("pron").lower()),
                )
        return out

    def homicide_suicide(self) -> bool:
        """The perpetrator killed the victim and then took his (or her) own life."""
        rx = re.compile(
            rf"{_KILL}\b[^.]{{0,120}}?\b(?:(?:took|taking|take|ended|ending)\s+(?:his|her)\s+own\s+life|"
            rf"(?:killed|shot|hanged|stabbed)\s+(?:himself|herself))\b",
            re.I,
        )
        return any(rx.search(s) and not re.search(r"\bthreat", s, re.I) for s in self.sentences)

    def abuser(self) -> None:
        """In a suicide review there is no killer: the relationship is that of the abuser."""
        abuse = re.compile(
            rf"\b(?:abuse|abused|abusive|violence|violent|controlling|coercive|coercion|assaulted|harassed|stalked)\b"
            rf"[^.;]{{0,40}}?\b(?:by|from)\s+(?P<pron>her|his)\s+{_REL}\b",
            re.I,
        )
        left = re.compile(
            rf"\b(?:separated|separating|estranged)\s+from\s+(?P<pron>her|his)\s+{_REL}\b", re.I
        )
        for s in self.sentences:
            m = abuse.search(s)
            if m:
                self.put("relationship", _relationship(m.group("rel"), m.group("mod")))
                self.put("victim_sex", _sex_of(m.group("pron")))
                return
        for s in self.sentences:
            m = left.search(s)
            if m:  # she had left him: he is her former partner
                self.put("relationship", _relationship(m.group("rel"), "separated"))
                self.put("victim_sex", _sex_of(m.group("pron")))
                return

    # -- kind of review

    def kind(self) -> str | None:
        for s in self.sentences:
            kinds = [k for k, rx in _KIND_PHRASES.items() if rx.search(s)]
            if len(kinds) == 1 and not re.search(
                r"\b(?:not|no|nor|neither|rather than|unlike|such as|including)\b", s, re.I
            ):
                return kinds[0]
        return None

    def suicide(self) -> bool:
        for s in self.sentences:
            m = _SUICIDE.search(s)
            if not m or re.search(
                r"\b(?:threat|threatened|threats|threatening|thoughts|attempt|attempted|risk|if)\b", s, re.I
            ):
                continue
            if re.search(rf"\b{_KILL_ACTIVE}\b", s[: m.start()], re.I):
                continue  # "he killed her and then took his own life": a homicide-suicide
            pron = (m.group("pron") or m.group("refl") or "").lower()
            self.put("victim_sex", _sex_of(pron))
            return True
        return False

    # -- age and sex from how the victim is introduced

    def age(self) -> None:
        noun = (
            r"(?P<noun>woman|man|lady|gentleman|female|male|mother|father|grandmother|grandfather|widow|"
            r"widower)"
        )
        patterns = [
            # "a 34 year old woman", "a 72-year-old man" (not "her 16-year-old son")
            re.compile(
                rf"(?<!\bher\s)(?<!\bhis\s)(?<!\btheir\s)\b(?:an?\s+)(?P<age>\d{{2,3}})[\s-]years?[\s-]old\s+"
                rf"(?:[a-z-]+\s+){{0,2}}?{noun}\b",
                re.I,
            ),
            # "the death of Anna, aged 34" / "the death of Mrs D, who was 81"
            re.compile(
                r"\b(?:deaths?|killing|murder|homicide|suicide)\s+of\s+[^,.;]{1,40}?,?\s+(?:aged|age|who\s+was)\s+"
                r"(?P<age>\d{2,3})\b",
                re.I,
            ),
            # "Mrs D, aged 81, was killed", "Anna (aged 34) died"
            re.compile(
                rf"\b(?:aged|age)\s+(?P<age>\d{{2,3}})\)?,?\s+(?:[^.;]{{0,40}}?\s)?(?:was|were|had\s+been)\s+(?:\w+\s+)?"
                rf"(?:{_KILL}|found\s+dead|died)\b",
                re.I,
            ),
            # "She was 34 when she died", "was 72 years old at the time of her death"
            re.compile(
                r"\b(?:she|he|who)\s+was\s+(?P<age>\d{2,3})(?:\s+years\s+old)?\s+(?:when\s+(?:she|he)\s+"
                rf"(?:died|was\s+(?:\w+\s+)?{_KILL})|at\s+the\s+time\s+of\s+(?:her|his)\s+death)\b",
                re.I,
            ),
        ]
        for s in self.sentences:
            for rx in patterns:
                m = rx.search(s)
                if m and 10 <= int(m.group("age")) <= 110:
                    self.put("victim_age_band", _band(int(m.group("age"))))
                    self.put("victim_sex", _sex_of(m.groupdict().get("noun")))
                    return

    def sex_from_title(self) -> None:
        m = re.search(
            r"\b(?:death|killing|murder|homicide|suicide)\s+of\s+(?P<t>Mrs|Ms|Miss|Mr)\.?\s", self.head
        )
        if m:
            self.put("victim_sex", _sex_of(m.group("t")))

    # -- year of death

    def year(self) -> None:
        death = (
            r"(?:died|was\s+killed|were\s+killed|was\s+murdered|was\s+fatally\s+\w+|was\s+found\s+dead|"
            r"(?:her|his|their)\s+deaths?|deaths?|took\s+(?:her|his)\s+own\s+life|"
            r"homicide\s+(?:took\s+place|occurred))"
        )
        after = re.compile(rf"\b{death}\b(?:[^.;]{{0,100}}?)\b(?:in|on|during)\s+{_DATE_TAIL}\b", re.I)
        before = re.compile(
            rf"\b(?:On|In|During)\s+(?:the\s+(?:early\s+hours|morning|afternoon|evening|night)\s+of\s+)?{_DATE_TAIL},?\s+[^.;]{{0,60}}?\b(?:(?:was|were)\s+(?:fatally\s+)?(?:{_KILL}|found\s+dead)"
            rf"|died|{_KILL_ACTIVE}\s+(?:her|his|him)|took\s+(?:her|his)\s+own\s+life)\b",
            re.I,
        )
        for s in self.sentences:
            s = _ACT_YEAR.sub("", s)
            for rx in (after, before):
                m = rx.search(s)
                # "her death was notified to the CSP in July 2019" dates the referral, not the death
                if (
                    m
                    and not re.search(
                        r"\b(?:notified|commissioned|convicted|sentenced|trial|inquest|reported\s+to|"
                        r"informed|panel|published|agreed|decided|referred)\b",
                        m.group(0),
                        re.I,
                    )
                    and not re.search(
                        r"\b(?:notified|informed|told|learned|learnt)\s+(?:\w+\s+){0,2}of\s+(?:the|her|his)"
                        r"\s*$",
                        s[max(0, m.start() - 40) : m.start()],
                        re.I,
                    )
                ):
                    self.put("year_of_death", next(g for g in reversed(m.groups()) if g))
                    return


def detect_characteristics(text: str) -> dict[str, str]:
    """The case characteristics the opening of a DHR states; keys absent when not stated."""
    f = _Finder(text)
    f.killing()
    explicit = f.kind()
    killed_by = f.found.get("relationship")
    if explicit == "homicide_suicide" or f.homicide_suicide():
        f.put("review_kind", "homicide_suicide")
    elif killed_by:
        kind = "intimate_partner_homicide" if killed_by in PARTNER_RELATIONSHIPS else "adult_family_homicide"
        f.put(
            "review_kind",
            explicit if explicit in ("intimate_partner_homicide", "adult_family_homicide") else kind,
        )
    elif explicit:
        f.put("review_kind", explicit)
    elif f.suicide():
        f.put("review_kind", "suspected_victim_suicide")
    if f.found.get("review_kind") == "suspected_victim_suicide":
        f.suicide()
        f.abuser()
    f.age()
    f.sex_from_title()
    f.year()
    return {k: f.found[k] for k in CHARACTERISTICS if k in f.found}


# --- how a review names the people in it ---------------------------------------------------------
#
# Reviews do not print the victim's real name: the review is known by a pseudonym the family chose
# ("into the death of 'Anna'"), a letter ("Adult C", "Subject A"), a title and initial ("Mr B", "Ms D")
# or, where the partnership numbers its reviews, a reference ("DHR Hollinsby 2021/1", "DHR Case 17").

_Q_OPEN = "['\u2018\"\u201c]?"
_Q_CLOSE = "['\u2019\"\u201d]?"
_PSEUDONYM = (
    r"(?:(?:Adult|Subject|Victim|Person|Child|Case)\s+[A-Z]\d?(?![\w'])"
    r"|(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+[A-Z](?:[a-z]+)?(?![\w'])"
    rf"|(?!(?:{_MONTHS})\b)[A-Z][a-z]+(?:[ -](?!(?:{_MONTHS})\b)[A-Z][a-z]+)?)"
)
# "Anna" is a name; "The", "Her", "Domestic" are not.
_NOT_NAMES = frozenset(
    "the a an her his their this that its one two three both mother father son daughter husband wife partner "
    "victim perpetrator domestic homicide review adult child children woman man lady person deceased "
    "subject case report panel family final draft version redacted summary overview update appendix".split()
)
_DEATH_OF = re.compile(
    rf"\b(?:deaths?|killing|murder|homicide|suicide)\s+of\s+(?:the\s+late\s+)?{_Q_OPEN}(?P<name>{_PSEUDONYM}){_Q_CLOSE}"
    r"(?=[\s,.;:)'\u2019\"\u201d]|$)"
)
_STATED = (
    # "The pseudonym 'Anna' was chosen", "The name Priya is a pseudonym", "'Anna' (pseudonym)"
    re.compile(rf"\bpseudonym,?\s+{_Q_OPEN}(?P<name>{_PSEUDONYM}){_Q_CLOSE}(?=[\s,.;:)]|$)"),
    re.compile(rf"\b[Tt]he\s+name\s+{_Q_OPEN}(?P<name>{_PSEUDONYM}){_Q_CLOSE}\s+(?:is|was)\s+a\s+pseudonym\b"),
    re.compile(rf"{_Q_OPEN}(?P<name>{_PSEUDONYM}){_Q_CLOSE}\s+\(?(?:is\s+)?a?\s*pseudonym\)?"),
)
# "'Margaret', who was 78", "'Anna', a 34 year old woman": a quoted name introduced
_INTRODUCED = re.compile(
    rf"[\u2018'\u201c\"](?P<name>{_PSEUDONYM})[\u2019'\u201d\"],?\s+(?:who\s+(?:was|is|had|died|lived)|an?\s+\d|aged\s+\d)"
)
# "Overview Report (Margaret)", "the Domestic Homicide Review (DHR) report ‘(Louise)’"
_TITLED = re.compile(
    rf"\b(?:Review|Report|Summary|DHR)\s+(?:\(DHR\)\s+)?(?:report\s+)?{_Q_OPEN}\(\s*(?P<name>{_PSEUDONYM})\s*\){_Q_CLOSE}"
)
# "known as 'Jo' in this report", "referred to (in this report) as Mr B": whoever it is
_KNOWN_AS = re.compile(
    rf"\b(?:known|referred\s+to|called|named)\s+(?:in\s+this\s+(?:report|review|summary)\s+)?as\s+"
    rf"{_Q_OPEN}(?P<name>{_PSEUDONYM}){_Q_CLOSE}(?=[\s,.;:)]|$)"
)
_REVIEW_REF = re.compile(
    r"\b(?:DHR|Domestic\s+Homicide\s+Review)\s+(?:(?:Case|No\.?|Number|Ref\.?)\s+)?"
    r"(?P<ref>(?:[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\s+)?(?:19|20)\d{2}\s*/\s*\d{1,3}|(?<=Case\s)\d{1,3}(?!\d))"
)


def _is_name(name: str) -> bool:
    words = name.replace(".", " ").split()
    if len(words) == 1 and words[0] in ("Mr", "Mrs", "Ms", "Miss", "Dr"):
        return False
    if len(words) == 2 and len(words[1]) <= 2:  # "Adult C", "Mr B", "Subject A1"
        return True
    return bool(words) and not any(w.lower() in _NOT_NAMES for w in words)


def detect_names(text: str) -> dict[str, str]:
    """How a DHR names its review and its people, from the opening text; keys absent when not stated.

    * pseudonym: the victim, as the review names them ("Anna", "Adult C", "Mrs D")
    * other_names: others it names by pseudonym ("Mr B"), joined with "; "
    * review_ref: the partnership's reference for the review ("Hollinsby 2021/1", "Case 17")
    """
    head = text[:SCAN_CHARS]
    found: dict[str, str] = {}
    victims = [m.group("name") for m in _DEATH_OF.finditer(head) if _is_name(m.group("name"))]
    stated = [m.group("name") for rx in _STATED for m in rx.finditer(head) if _is_name(m.group("name"))]
    # The victim is the person whose death the review is into; a stated pseudonym confirms which.
    pseudonym = next((n for n in victims if n in stated), None) or (victims[0] if victims else None)
    pseudonym = pseudonym or (stated[0] if stated else None)
    introduced = [m.group("name") for m in _INTRODUCED.finditer(head) if _is_name(m.group("name"))]
    pseudonym = pseudonym or (introduced[0] if introduced else None)
    titled = [m.group("name") for m in _TITLED.finditer(head) if _is_name(m.group("name"))]
    pseudonym = pseudonym or (titled[0] if titled else None)
    if pseudonym:
        found["pseudonym"] = " ".join(pseudonym.split())
    others = [m.group("name") for m in _KNOWN_AS.finditer(head) if _is_name(m.group("name"))]
    others += [name for name in _Finder(head).aliases()]
    others_clean = []
    for name in others:
        shown = " ".join(w.capitalize() if len(w) > 1 else w.upper() for w in name.replace(".", "").split())
        if shown.lower() != (pseudonym or "").lower() and shown not in others_clean:
            others_clean.append(shown)
    if others_clean:
        found["other_names"] = "; ".join(others_clean)
    m = _REVIEW_REF.search(head)
    if m:
        ref = " ".join(m.group("ref").split()).replace(" / ", "/")
        found["review_ref"] = f"Case {ref}" if ref.isdigit() else ref
    return found
