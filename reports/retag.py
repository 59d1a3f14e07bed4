"""`dhr retag`: tag every passage again with this version's themes and rules, without reading the files.

Theme counts are only as good as the rules that tagged the passages; a knowledge base built by an earlier
version keeps that version's tags until its passages are tagged again. The catalogue records which rules
tagged it (`Catalogue.tagging`), so the commands that count themes can say when it is out of date.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from index.stores import Stores
from kb.catalogue import Catalogue, ThemeMentionRow
from kb.taxonomy import load_taxonomy, tagging_version
from reports.output import plural

if TYPE_CHECKING:
    from kb.tagger import ThemeTagger

BATCH = 256


@dataclass
class RetagSummary:
    passages: int = 0
    changed: int = 0
    before: str | None = None  # the rules that had tagged the knowledge base, if recorded
    after: str = ""
    gained: Counter[str] = field(default_factory=Counter)  # theme -> passages that count it now and did not
    lost: Counter[str] = field(default_factory=Counter)  # theme -> passages that counted it and no longer do

    def to_dict(self) -> dict[str, object]:
        return {"passages": self.passages, "changed": self.changed, "before": self.before, "after": self.after,
                "gained": dict(self.gained.most_common()), "lost": dict(self.lost.most_common())}

    def to_text(self) -> str:
        lines = [f"Tagged {plural(self.passages, 'passage')} with {self.after}; the themes of "
                 f"{plural(self.changed, 'passage')} changed (before: {self.before or 'rules not recorded'})."]
        for label, counts in (("counted now", self.gained), ("no longer counted", self.lost)):
            if counts:
                lines.append(f"  {label}: " + ", ".join(f"{t} ({n})" for t, n in counts.most_common()))
        return "\n".join(lines)


def as_stored(rows: list[ThemeMentionRow]) -> list[ThemeMentionRow]:
    """The mentions the catalogue keeps: the first evidence for each theme and status."""
    first: dict[tuple[str, str], ThemeMentionRow] = {}
    for r in rows:
        first.setdefault((r.theme_id, r.status), r)
    return list(first.values())


def stale_tagging(catalogue: Catalogue) -> str | None:
    """A one-line notice when the passages were tagged by other rules than this version's, else None."""
    if catalogue.passage_count() == 0:
        return None
    recorded, current = catalogue.tagging(), tagging_version(load_taxonomy())
    if recorded == current:
        return None
    by = f"by other rules ({recorded})" if recorded else "by an earlier version"
    return (f"Note: the themes in this knowledge base were tagged {by}; this version tags with {current}. "
            "Run `dhr retag` to tag the passages again (no files are read).")


def retag(kb: Stores, tagger: ThemeTagger, progress: Callable[[int, int], None] | None = None) -> RetagSummary:
    """Tag every passage again; store the themes of those whose tags changed, the vector store's filter
    metadata first, so a run stopped half way leaves the catalogue as it was for those passages and the
    next run does them again. Records the rules used once every passage is done."""
    summary = RetagSummary(before=kb.catalogue.tagging(), after=tagging_version(tagger.taxonomy))
    total = kb.catalogue.passage_count()
    after = ""
    while chunk := kb.catalogue.passages_to_tag(after, BATCH):
        after = chunk[-1][0]
        tagged = tagger.tag_many([text for _, text, _ in chunk], section_kinds=[kind for _, _, kind in chunk])
        stored = kb.catalogue.passage_mentions([pid for pid, _, _ in chunk])
        changed: list[tuple[str, list[ThemeMentionRow], list[str]]] = []
        for (pid, _, _), mentions in zip(chunk, tagged, strict=True):
            rows_now = as_stored([ThemeMentionRow(m.theme_id, m.status, m.text) for m in mentions])
            present = tagger.present_ids(mentions)
            old_present, old_rows = stored.get(pid, ([], set()))
            if sorted(old_present) != present or old_rows != set(rows_now):
                changed.append((pid, rows_now, present))
                summary.gained.update(set(present) - set(old_present))
                summary.lost.update(set(old_present) - set(present))
        if changed:
            records = kb.catalogue.record_ids_of([pid for pid, _, _ in changed])
            kb.vectors.set_themes({rid: present for pid, _, present in changed for rid in records.get(pid, [])})
            kb.catalogue.replace_themes(changed)
        summary.passages += len(chunk)
        summary.changed += len(changed)
        if progress:
            progress(summary.passages, total)
    kb.catalogue.record_tagging(summary.after)
    return summary
