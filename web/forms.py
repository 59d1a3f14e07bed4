"""URL parameters to the one query object, and the choices the filter forms offer.

The names in a URL are the CLI's option names with underscores (`type`, `since`, `review_kind`,
`death_year`...), so a bookmarked page reads like the command that gives the same answer. Values
are checked by `Query.build` / `Filters.build`, never here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from index.stores import Stores
from kb.errors import QueryError
from kb.models import DOC_TYPES
from kb.query import CASE_KEYS, DEFAULT_PER_DOC, Filters, Query
from kb.sections import section_kinds
from kb.taxonomy import load_taxonomy

# URL name -> Filters field name
DOCUMENT_FIELDS = {
    "type": "doc_type",
    "area": "area",
    "since": "since",
    "until": "until",
    "review_kind": "review_kind",
    "relationship": "relationship",
    "victim_sex": "victim_sex",
    "victim_age_band": "victim_age_band",
    "death_year": "year_of_death",
}
SEARCH_FIELDS = {"theme": "theme", "section": "section", **DOCUMENT_FIELDS}
REGISTER_FIELDS = {"theme": "theme", "type": "doc_type", "area": "area", "since": "since", "until": "until"}


def number(params: Mapping[str, str], name: str, default: int, what: str) -> int:
    """A whole number from the URL, or a QueryError that says which field is wrong."""
    raw = (params.get(name) or "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise QueryError(f"the {what} must be a whole number, not {raw!r}") from None


def filter_values(params: Mapping[str, str], names: Mapping[str, str]) -> dict[str, str]:
    """The filter fields present in the URL, under their Filters names (blanks are dropped later)."""
    return {field: params[name] for name, field in names.items() if params.get(name)}


def filters_from(params: Mapping[str, str], names: Mapping[str, str] = SEARCH_FIELDS) -> Filters:
    return Filters.build(**filter_values(params, names))


def query_from(params: Mapping[str, str], default_top: int = 5) -> Query:
    """The search (or evidence pack) a URL asks for: `q`, the filters, `top` and `per_doc`."""
    top = number(params, "top", default_top, "number of results")
    per_doc = number(params, "per_doc", DEFAULT_PER_DOC, "per-document cap")
    return Query.build(params.get("q", ""), top, per_doc, **filter_values(params, SEARCH_FIELDS))


@dataclass(frozen=True)
class Choices:
    """What the filter forms offer: themes, types, sections, and the values the documents hold."""

    themes: list[tuple[str, str]]  # (id, label)
    types: tuple[str, ...]
    sections: list[tuple[str, str]]
    areas: list[str]
    case_values: dict[str, list[str]]


_cached: dict[object, Choices] = {}


def choices(stores: Stores) -> Choices:
    """The form choices, worked out again only when the catalogue has changed (one worker thread calls this)."""
    catalogue = stores.catalogue
    key = catalogue.version()
    if key not in _cached:
        _cached.clear()
        _cached[key] = _choices(stores)
    return _cached[key]


def _choices(stores: Stores) -> Choices:
    catalogue = stores.catalogue
    areas = sorted({d.area for d in catalogue.documents() if d.area}, key=str.lower)
    sections = [(k.id, k.label) for k in section_kinds()] + [("minutes_item", "Minutes item")]
    return Choices(
        themes=sorted(((t.id, t.label) for t in load_taxonomy()), key=lambda t: t[1].lower()),
        types=DOC_TYPES,
        sections=sections,
        areas=areas,
        case_values={k: catalogue.case_values(k) for k in CASE_KEYS},
    )
