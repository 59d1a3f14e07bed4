"""What `dhr ingest` and `dhr check` report: per-file outcomes and the agreement of the stores."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from index.consistency import CheckReport
from ingest.pipeline import IngestReport
from reports.output import Table, plural


@dataclass(frozen=True)
class IngestSummary:
    report: IngestReport
    stats: dict[str, int]  # what the knowledge base holds afterwards

    def _files(self) -> list[dict[str, object]]:
        return [
            {
                "path": str(r.path),
                "status": r.status,
                "reason": r.reason or None,
                "title": r.title,
                "passages": r.passages,
            }
            for r in self.report.results
        ]

    def to_dict(self) -> dict[str, object]:
        return {"counts": self.report.counts(), "files": self._files(), "notes": self.report.notes,
                "knowledge_base": self.stats}

    def table(self) -> Table:
        return Table(("path", "status", "reason", "title", "passages"), self._files())

    def lines(self) -> list[tuple[str, bool]]:
        """(line, is_error) for people: one per file that changed or failed, then the totals."""
        out = []
        for r in self.report.results:
            if r.status in ("added", "updated"):
                why = f"; {r.reason}" if r.reason else ""
                out.append((f"{r.status:>9}  {r.path}  ({plural(r.passages, 'passage')}{why})", False))
            elif r.status in ("failed", "duplicate", "skipped", "moved"):
                out.append((f"{r.status:>9}  {r.path}: {r.reason}", r.status == "failed"))
        out += [(note, False) for note in self.report.notes]
        counts = self.report.counts()
        out.append(
            (
                ", ".join(f"{n} {k}" for k, n in counts.items() if n or k in ("added", "failed"))
                + f". The knowledge base holds {plural(self.stats['documents'], 'document')}, "
                f"{plural(self.stats['passages'], 'passage')}.",
                False,
            )
        )
        return out

    def to_text(self) -> str:
        return "\n".join(line for line, _ in self.lines())


@dataclass(frozen=True)
class CheckSummary:
    before: CheckReport
    after: CheckReport
    repaired: bool

    @property
    def consistent(self) -> bool:
        return self.after.consistent

    def to_dict(self) -> dict[str, object]:
        return {"consistent": self.after.consistent, "before": asdict(self.before), "after": asdict(self.after),
                "catalogue_looks_lost": self.before.looks_lost,
                "repair_deletes": [] if self.repaired else self.before.deletions()}

    def table(self) -> Table:
        return Table(("problem",), [{"problem": p} for p in self.before.problems()])

    def to_text(self) -> str:
        b = self.before
        lines = [f"{plural(b.documents, 'document')}, {plural(b.passages, 'passage')}, {plural(b.vectors, 'vector')}."]
        lines += [f"  - {p}" for p in b.problems()]
        lines += [f"  Note: {n}" for n in b.notes()]
        if b.consistent:
            lines.append("Consistent: the catalogue, the lexical index and Chroma agree.")
        elif self.repaired:
            lines.append(
                "Repaired." if self.after.consistent else "Still inconsistent: " + "; ".join(self.after.problems())
            )
        elif b.looks_lost:
            lines.append("The catalogue looks lost or replaced: restore catalogue.sqlite3 from a copy or a backup. "
                         "`dhr check --repair` would delete the vectors it does not know, so it asks for --force.")
        else:
            lines.append("Run `dhr check --repair` to fix; it will delete " + "; ".join(b.deletions()) + "."
                         if b.deletions() else "Run `dhr check --repair` to fix.")
        return "\n".join(lines)
