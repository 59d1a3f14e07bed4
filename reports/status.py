"""What `dhr ingest` and `dhr check` report: per-file outcomes and the agreement of the stores."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from index.consistency import CheckReport
from ingest.pipeline import FileResult, IngestReport
from reports.output import Table, plural

# Exit codes of `dhr ingest` (also in its --help and the README)
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_NOTHING = 0, 1, 2, 3
READ = ("added", "updated", "moved", "unchanged", "duplicate")


def file_line(r: FileResult) -> tuple[str, bool]:
    """One file's outcome for people, and whether it is an error."""
    if r.status in ("added", "updated"):
        why = f"; {r.reason}" if r.reason else ""
        return f"{r.status:>9}  {r.path}  ({plural(r.passages, 'passage')}{why})", False
    if r.status == "unchanged":
        return f"{r.status:>9}  {r.path}", False
    return f"{r.status:>9}  {r.path}: {r.reason}", r.status == "failed"


@dataclass(frozen=True)
class IngestSummary:
    report: IngestReport
    stats: dict[str, int]  # what the knowledge base holds afterwards (read after the run and any prune)
    paths: list[str] = field(default_factory=list)  # as given
    missing_sources: list[str] = field(default_factory=list)  # documents whose file left the folders given
    pruned: list[str] = field(default_factory=list)  # those withdrawn by --prune

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

    @property
    def nothing_found(self) -> bool:
        """No file was there to read and nothing failed or was withdrawn: nothing to do."""
        counts = self.report.counts()
        return not (any(counts[k] for k in (*READ, "failed")) or self.pruned)

    @property
    def exit_code(self) -> int:
        return EXIT_FAILED if self.report.failed else EXIT_NOTHING if self.nothing_found else EXIT_OK

    def to_dict(self) -> dict[str, object]:
        return {"counts": {**self.report.counts(), "pruned": len(self.pruned)}, "files": self._files(),
                "notes": self.report.notes, "missing_sources": self.missing_sources, "pruned": self.pruned,
                "knowledge_base": self.stats, "exit_code": self.exit_code}

    def table(self) -> Table:
        return Table(("path", "status", "reason", "title", "passages"), self._files())

    def lines(self, per_file: bool = True) -> list[tuple[str, bool]]:
        """(line, is_error) for people: one per file that changed or failed (unless they were written as
        the run went), the sources gone from the folders, then the totals."""
        out = [file_line(r) for r in self.report.results if r.status != "unchanged"] if per_file else []
        out += [(note, False) for note in self.report.notes]
        out += [(f"{'pruned':>9}  {p}: the file is gone; withdrawn", False) for p in self.pruned]
        out += [(f"missing source  {p} (use --prune to withdraw)", False) for p in self.missing_sources]
        counts = {**self.report.counts(), "pruned": len(self.pruned)}
        done = ", ".join(f"{n} {k}" for k, n in counts.items() if n or k in ("added", "failed"))
        if self.nothing_found:
            done = f"No readable files found in {', '.join(self.paths) or 'the manifest'}: nothing to ingest"
        held = (f"The knowledge base holds {plural(self.stats['documents'], 'document')}, "
                f"{plural(self.stats['passages'], 'passage')}.")
        return [*out, (f"{done}. {held}", False)]

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
