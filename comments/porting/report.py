"""The import report: what the file held, what was written, and what had to be repaired."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from comments.porting.records import SourceComment, SourceThread

EMPTY = "''"


@dataclass
class UnmatchedThread:
    key: str
    title: str
    url: str
    comments: int = 0


@dataclass
class ImportReport:
    """Counts of the file's comments (by status, type, original status) and of the writes."""

    format: str = ""
    dry_run: bool = False
    comments: int = 0
    created: int = 0
    existing: int = 0
    clashes: int = 0  # ids already imported onto other posts (another site's comments)
    not_imported: int = 0
    orphans: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    by_type: Counter[str] = field(default_factory=Counter)
    by_original_status: Counter[str] = field(default_factory=Counter)
    unknown_statuses: Counter[str] = field(default_factory=Counter)
    threads: Counter[str] = field(default_factory=Counter)
    unmatched: dict[str, UnmatchedThread] = field(default_factory=dict)
    repairs: Counter[str] = field(default_factory=Counter)
    learned: int = 0
    error: str = ""

    def count(self, comment: SourceComment) -> None:
        self.comments += 1
        self.by_status[comment.status] += 1
        self.by_type[comment.type] += 1
        self.by_original_status[comment.original_status] += 1
        if not comment.known_status:
            self.unknown_statuses[comment.original_status] += 1

    def thread_unmatched(self, thread: SourceThread) -> None:
        self.threads["unmatched"] += 1
        self.unmatched[thread.key] = UnmatchedThread(thread.key, thread.title, thread.url)

    def repair(self, what: str, times: int = 1) -> None:
        self.repairs[what] += times

    def as_json(self) -> dict[str, Any]:
        """Return the report as the `--json` line (API.md's keys first, then the details)."""
        return {
            "comments": self.comments,
            "by_status": dict(sorted(self.by_status.items())),
            "by_type": dict(sorted(self.by_type.items())),
            "threads": {key: self.threads[key] for key in ("matched", "created", "unmatched")},
            "orphans": self.orphans,
            "format": self.format,
            "dry_run": self.dry_run,
            "created": self.created,
            "existing": self.existing,
            "clashes": self.clashes,
            "not_imported": self.not_imported,
            "by_original_status": dict(sorted(self.by_original_status.items())),
            "unknown_statuses": dict(sorted(self.unknown_statuses.items())),
            "unmatched_threads": [vars(thread) for thread in self.unmatched.values()],
            "repairs": dict(sorted(self.repairs.items())),
            "learned": self.learned,
            "error": self.error,
        }

    def as_text(self) -> str:
        """Return the report for a person reading a terminal."""
        verb = "would create" if self.dry_run else "created"
        taken = f"{self.clashes} with ids taken (below), " if self.clashes else ""
        lines = [
            f"{self.comments} comments read ({self.format}): {verb} {self.created}, "
            f"{self.existing} already imported, {taken}{self.not_imported} not imported "
            "(their thread matches no post)",
            "by status: " + _pairs(self.by_status),
            "by type: " + _pairs(self.by_type),
            "original statuses: " + _pairs(self.by_original_status),
            "threads: "
            + ", ".join(f"{k} {self.threads[k]}" for k in ("matched", "created", "unmatched")),
            f"orphans (parent not found, made top-level): {self.orphans}",
        ]
        if self.clashes:
            lines.append(
                f"not imported, ids taken: {self.clashes} comments have the ids of comments "
                "imported earlier onto other posts. If this file comes from another site than "
                "those, import it again with a name for that site (--site NAME, or the "
                "import form's Site field): its ids are then kept apart."
            )
        if self.unknown_statuses:
            lines.append(
                "unknown statuses (held as pending, original kept): "
                + _pairs(self.unknown_statuses)
            )
        lines += [f"repair: {what}: {n}" for what, n in sorted(self.repairs.items())]
        lines += [
            f"unmatched thread {t.key!r} ({t.comments} comments): {t.title or '(no title)'} {t.url}"
            for t in self.unmatched.values()
        ]
        if self.unmatched:
            lines.append(
                "Match them with --map FILE.csv (old url or id, post slug) or --create-posts, "
                "then run the same command again: what is imported already is skipped."
            )
        if self.learned:
            lines.append(f"queued {self.learned} spam/ham decisions for the scorer to learn")
        return "\n".join(lines)


def _pairs(counts: Counter[str]) -> str:
    return ", ".join(f"{key or EMPTY} {n}" for key, n in sorted(counts.items())) or "none"
