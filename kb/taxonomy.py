"""The theme taxonomy: what themes exist, how they are defined, and the phrases that signal them.

The taxonomy lives in ``kb/data/themes.toml`` (versioned; see the comments at its top for the
meaning of every field). ``load_taxonomy()`` reads it once into frozen dataclasses and caches it.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from kb.errors import DHRError

GROUPS = ("case_type", "abuse_type", "risk_factor", "practice", "context")


class TaxonomyError(DHRError):
    """The taxonomy file is malformed, or a theme name does not resolve."""


class UnknownThemeError(TaxonomyError, KeyError):
    """A theme id or label is not in the taxonomy. ``suggestions`` holds the nearest ids."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f"; did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown theme {name!r}{hint}")

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return self.args[0]


@dataclass(frozen=True)
class ContextRule:
    """Ambiguous phrases (``patterns`` on lemmas, ``exact`` on the words as written, and spaCy
    ``token_patterns``) that only count in the right company within ``window`` tokens of the same
    sentence (or anywhere in the passage when ``scope`` is "passage"): at least one lemma of ``context``
    (if given), none of ``unless``, no match of ``unless_patterns`` (lemma phrases or token patterns, in
    the same reach), and, if given, one lemma of ``passage_context`` anywhere in the passage."""

    patterns: tuple[str, ...]
    context: tuple[str, ...]
    window: int = 6
    unless: tuple[str, ...] = ()
    scope: str = "sentence"
    token_patterns: tuple[Any, ...] = ()
    unless_patterns: tuple[Any, ...] = ()
    passage_context: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    group: str
    definition: str
    home_office_tag: str | None
    patterns: tuple[str, ...]
    negatable: bool
    examples_pos: tuple[str, ...]
    examples_neg: tuple[str, ...]
    exact: tuple[str, ...] = ()
    case_sensitive: tuple[str, ...] = ()
    token_patterns: tuple[Any, ...] = ()
    exclude: tuple[str, ...] = ()
    requires: tuple[ContextRule, ...] = ()
    implies: tuple[str, ...] = ()

    def all_phrases(self) -> tuple[str, ...]:
        """Every literal phrase that signals the theme (used by the keyword baseline)."""
        out: list[str] = [*self.patterns, *self.exact, *self.case_sensitive]
        for rule in self.requires:
            out.extend(rule.patterns)
            out.extend(rule.exact)
        return tuple(out)


@dataclass(frozen=True)
class Context:
    """Rules that hold for every theme (the ``[context]`` table of themes.toml): organisation names whose
    words are masked before theme matching, what marks a question rather than a finding, and what marks
    a sentence quoting a definition (the statutory definition of domestic abuse) rather than a finding."""

    organisations: tuple[str, ...] = ()
    organisation_patterns: tuple[Any, ...] = ()
    question_sections: tuple[str, ...] = ()
    question_openers: tuple[str, ...] = ()
    definition_cues: tuple[str, ...] = ()
    definition_patterns: tuple[Any, ...] = ()
    definition_applied: tuple[str, ...] = ()


@dataclass(frozen=True)
class Taxonomy:
    version: str
    themes: tuple[Theme, ...]
    context: Context = Context()
    _by_id: dict[str, Theme] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {t.id: t for t in self.themes})

    def __len__(self) -> int:
        return len(self.themes)

    def __iter__(self):
        return iter(self.themes)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._lookup(name) is not None

    def ids(self) -> list[str]:
        return [t.id for t in self.themes]

    def with_implied(self, ids: set[str] | list[str]) -> set[str]:
        """``ids`` plus every theme they imply, transitively (parricide -> adult_family_homicide)."""
        out = set(ids)
        todo = list(out)
        while todo:
            theme = self._by_id.get(todo.pop())
            for other in theme.implies if theme else ():
                if other not in out:
                    out.add(other)
                    todo.append(other)
        return out

    def get(self, id: str) -> Theme:
        """The theme with exactly this id; raises UnknownThemeError otherwise."""
        try:
            return self._by_id[id]
        except KeyError:
            raise UnknownThemeError(id, self.suggest(id)) from None

    def _lookup(self, name: str) -> Theme | None:
        key = _norm(name)
        for t in self.themes:
            if _norm(t.id) == key or _norm(t.label) == key:
                return t
        return None

    def resolve(self, name: str) -> Theme:
        """A theme by id or label, case-insensitively ("MARAC", "Coercive control", "coercive-control")."""
        theme = self._lookup(name)
        if theme is None:
            raise UnknownThemeError(name, self.suggest(name))
        return theme

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """The ids nearest to ``name`` (by id or label), best first; empty when nothing is close."""
        key = _norm(name)
        candidates: dict[str, str] = {}
        for t in self.themes:
            candidates[_norm(t.id)] = t.id
            candidates[_norm(t.label)] = t.id
        out: list[str] = []
        for match in difflib.get_close_matches(key, list(candidates), n=n * 2, cutoff=0.5):
            tid = candidates[match]
            if tid not in out:
                out.append(tid)
        if not out:  # a substring is a good hint too ("strangulation" -> non_fatal_strangulation)
            out = [t.id for t in self.themes if key and (key in _norm(t.id) or key in _norm(t.label))]
        return out[:n]


def _norm(s: str) -> str:
    return " ".join(s.lower().replace("_", " ").replace("-", " ").split())


def _strs(raw: dict, key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise TaxonomyError(f"{where}: {key!r} must be a list of non-empty strings")
    return tuple(value)


def _theme(raw: dict, index: int) -> Theme:
    where = f"theme #{index + 1} ({raw.get('id', '?')})"
    for key in ("id", "label", "group", "definition"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise TaxonomyError(f"{where}: missing {key!r}")
    if raw["group"] not in GROUPS:
        raise TaxonomyError(f"{where}: group {raw['group']!r} is not one of {', '.join(GROUPS)}")
    if not isinstance(raw.get("negatable"), bool):
        raise TaxonomyError(f"{where}: 'negatable' must be true or false")
    rules = []
    for r in raw.get("requires", []):
        token_patterns = r.get("token_patterns", [])
        unless_patterns = r.get("unless_patterns", [])
        if not isinstance(token_patterns, list) or not all(isinstance(p, list) and p for p in token_patterns):
            raise TaxonomyError(f"{where} requires: 'token_patterns' must be a list of non-empty token lists")
        if not isinstance(unless_patterns, list) or not all(
            (isinstance(p, list) and p) or (isinstance(p, str) and p.strip()) for p in unless_patterns
        ):
            raise TaxonomyError(f"{where} requires: 'unless_patterns' must be phrases or non-empty token lists")
        rule = ContextRule(
            patterns=_strs(r, "patterns", where + " requires"),
            context=tuple(c.lower() for c in _strs(r, "context", where + " requires")),
            window=int(r.get("window", 6)),
            unless=tuple(c.lower() for c in _strs(r, "unless", where + " requires")),
            scope=r.get("scope", "sentence"),
            token_patterns=tuple(_freeze(p) for p in token_patterns),
            unless_patterns=tuple(_freeze(p) for p in unless_patterns),
            passage_context=tuple(c.lower() for c in _strs(r, "passage_context", where + " requires")),
            exact=_strs(r, "exact", where + " requires"),
        )
        if rule.scope not in {"sentence", "passage"}:
            raise TaxonomyError(f"{where}: a requires rule's scope is 'sentence' or 'passage'")
        if not (rule.context or rule.unless or rule.unless_patterns or rule.passage_context):
            raise TaxonomyError(
                f"{where}: a requires rule needs 'context', 'unless', 'unless_patterns' or 'passage_context'"
            )
        if not rule.patterns and not rule.exact and not rule.token_patterns:
            raise TaxonomyError(f"{where}: a requires rule needs 'patterns', 'exact' or 'token_patterns'")
        rules.append(rule)
    token_patterns = raw.get("token_patterns", [])
    if not isinstance(token_patterns, list) or not all(isinstance(p, list) and p for p in token_patterns):
        raise TaxonomyError(f"{where}: 'token_patterns' must be a list of non-empty token lists")
    theme = Theme(
        id=raw["id"],
        label=raw["label"],
        group=raw["group"],
        definition=raw["definition"].strip(),
        home_office_tag=raw.get("home_office_tag"),
        patterns=_strs(raw, "patterns", where),
        negatable=raw["negatable"],
        examples_pos=_strs(raw, "examples_pos", where),
        examples_neg=_strs(raw, "examples_neg", where),
        exact=_strs(raw, "exact", where),
        case_sensitive=_strs(raw, "case_sensitive", where),
        token_patterns=tuple(_freeze(p) for p in token_patterns),
        exclude=_strs(raw, "exclude", where),
        requires=tuple(rules),
        implies=_strs(raw, "implies", where),
    )
    if not theme.all_phrases() and not theme.token_patterns:
        raise TaxonomyError(f"{where}: no patterns")
    return theme


def _freeze(obj: Any) -> Any:
    """Make TOML lists/tables hashable so Theme stays a true frozen value."""
    if isinstance(obj, list):
        return tuple(_freeze(o) for o in obj)
    if isinstance(obj, dict):
        return tuple((k, _freeze(v)) for k, v in obj.items())
    return obj


def thaw(obj: Any) -> Any:
    """Turn a frozen token pattern back into the lists/dicts spaCy's Matcher expects."""
    if isinstance(obj, tuple):
        if obj and all(isinstance(o, tuple) and len(o) == 2 and isinstance(o[0], str) for o in obj):
            return {k: thaw(v) for k, v in obj}
        return [thaw(o) for o in obj]
    return obj


def _context(raw: object) -> Context:
    if raw is None:
        return Context()
    if not isinstance(raw, dict):
        raise TaxonomyError("[context] must be a table")
    for key in ("organisation_patterns", "definition_patterns"):
        patterns = raw.get(key, [])
        if not isinstance(patterns, list) or not all(isinstance(p, list) and p for p in patterns):
            raise TaxonomyError(f"[context]: {key!r} must be a list of non-empty token lists")
    return Context(
        organisations=_strs(raw, "organisations", "[context]"),
        organisation_patterns=tuple(_freeze(p) for p in raw.get("organisation_patterns", [])),
        question_sections=_strs(raw, "question_sections", "[context]"),
        question_openers=tuple(o.lower() for o in _strs(raw, "question_openers", "[context]")),
        definition_cues=tuple(o.lower() for o in _strs(raw, "definition_cues", "[context]")),
        definition_patterns=tuple(_freeze(p) for p in raw.get("definition_patterns", [])),
        definition_applied=tuple(o.lower() for o in _strs(raw, "definition_applied", "[context]")),
    )


def parse_taxonomy(data: dict) -> Taxonomy:
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise TaxonomyError("taxonomy has no version string")
    raw_themes = data.get("themes")
    if not isinstance(raw_themes, list) or not raw_themes:
        raise TaxonomyError("taxonomy has no themes")
    themes = tuple(_theme(raw, i) for i, raw in enumerate(raw_themes))
    seen: set[str] = set()
    for t in themes:
        if t.id in seen:
            raise TaxonomyError(f"duplicate theme id {t.id!r}")
        seen.add(t.id)
    for t in themes:
        for other in t.implies:
            if other not in seen or other == t.id:
                raise TaxonomyError(f"theme {t.id!r} implies unknown theme {other!r}")
    return Taxonomy(version=version, themes=themes, context=_context(data.get("context")))


@functools.lru_cache(maxsize=8)
def _load(path: str | None) -> Taxonomy:
    if path is None:
        text = resources.files("kb").joinpath("data/themes.toml").read_bytes()
        where = "kb/data/themes.toml"
    else:
        text = Path(path).read_bytes()
        where = path
    try:
        data = tomllib.loads(text.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TaxonomyError(f"{where}: {exc}") from exc
    return parse_taxonomy(data)


def tagging_version(taxonomy: Taxonomy) -> str:
    """What tags a knowledge base's passages: "taxonomy 3, rules 1a2b3c4d", the digest covering the
    themes, the context rules and the tagger's code, so a knowledge base tagged by other rules is known."""
    digest = hashlib.sha256(repr((taxonomy.themes, taxonomy.context)).encode())
    digest.update(resources.files("kb").joinpath("tagger.py").read_bytes())
    return f"taxonomy {taxonomy.version}, rules {digest.hexdigest()[:8]}"


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """The taxonomy from ``path``, or the packaged ``kb/data/themes.toml``; cached per path."""
    return _load(None if path is None else str(Path(path).resolve()))
