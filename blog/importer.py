"""Import posts from a folder of Markdown files with front matter; matched by slug.

A re-run updates posts instead of duplicating them. A file that cannot be read is
reported with the reason and the run goes on. The file decides title, body, author, url,
draft, categories, tags and `extra` (unknown keys); `date`, `comments` and
`comment_moderation` change a post only when the file has them, so comments closed in the
admin stay closed when a file that doesn't mention them is imported again.
"""

import logging
import os
from collections import Counter
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import tzinfo
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone

from blog.frontmatter import PostFile, Unreadable, read_post_file, term_slug
from blog.models import Category, Post, Tag

logger = logging.getLogger(__name__)

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class ImportResult:
    """What happened to one file: its outcome, the post's slug, why it was skipped."""

    path: Path
    outcome: Outcome
    slug: str = ""
    reason: str = ""
    warnings: tuple[str, ...] = ()


@dataclass
class ImportSummary:
    """Counts per outcome, and the skipped files with their reasons."""

    counts: Counter[Outcome] = field(default_factory=Counter)
    skipped: list[ImportResult] = field(default_factory=list)

    @property
    def files(self) -> int:
        return sum(self.counts.values())

    @property
    def imported(self) -> int:
        return self.files - self.counts[Outcome.SKIPPED]

    def add(self, result: ImportResult) -> None:
        self.counts[result.outcome] += 1
        if result.outcome is Outcome.SKIPPED:
            self.skipped.append(result)


Progress = Callable[[ImportResult, int, int], None]


def markdown_files(directory: Path) -> list[Path]:
    """Return the Markdown files under `directory` (hidden folders left out), sorted."""
    if directory.is_file():
        return [directory]
    found = []
    for folder, subfolders, names in os.walk(directory):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        found += [
            Path(folder) / name
            for name in sorted(names)
            if Path(name).suffix.lower() in MARKDOWN_SUFFIXES
        ]
    return sorted(found)


def posts_import_dir(
    *,
    directory: Path,
    tz: tzinfo | None = None,
    dry_run: bool = False,
    on_result: Progress | None = None,
) -> ImportSummary:
    """Import every Markdown file under `directory`; call `on_result` after each file."""
    files = markdown_files(directory)
    summary = ImportSummary()
    claimed: dict[str, Path] = {}
    with transaction.atomic() if dry_run else nullcontext():
        for position, path in enumerate(files, 1):
            result = _import_guarded(path, tz=tz, claimed=claimed, base=directory)
            summary.add(result)
            if on_result is not None:
                on_result(result, position, len(files))
        if dry_run:
            transaction.set_rollback(True)
    return summary


def post_import_file(*, path: Path, tz: tzinfo | None = None) -> ImportResult:
    """Create or update the post that one Markdown file describes."""
    return _import_guarded(path, tz=tz, claimed={}, base=path.parent)


def _import_guarded(
    path: Path, *, tz: tzinfo | None, claimed: dict[str, Path], base: Path
) -> ImportResult:
    try:
        parsed = read_post_file(path, tz=tz or timezone.get_default_timezone())
        if parsed.slug in claimed:
            raise Unreadable(
                f"slug '{parsed.slug}' was already imported from "
                f"{_relative(claimed[parsed.slug], base)} in this run"
            )
        claimed[parsed.slug] = path
        outcome = post_save_file(parsed=parsed)
    except Unreadable as exc:
        return ImportResult(path=path, outcome=Outcome.SKIPPED, reason=str(exc))
    except (OSError, DatabaseError) as exc:
        return ImportResult(
            path=path, outcome=Outcome.SKIPPED, reason=f"{type(exc).__name__}: {exc}"
        )
    except Exception as exc:  # one odd file must not stop an import of thousands
        logger.exception("Unexpected error importing %s", path)
        return ImportResult(
            path=path,
            outcome=Outcome.SKIPPED,
            reason=f"unexpected error ({type(exc).__name__}: {exc})",
        )
    return ImportResult(
        path=path, outcome=outcome, slug=parsed.slug, warnings=tuple(parsed.warnings)
    )


def post_save_file(*, parsed: PostFile) -> Outcome:
    """Create the post, or update the one with that slug; report what happened."""
    with transaction.atomic():
        post = Post.objects.select_for_update().filter(slug=parsed.slug).first()
        fields = dict(parsed.fields)
        if post is None:
            if "published_at" not in fields:
                parsed.warnings.append("no date; published now")
            post = Post(slug=parsed.slug, **fields)
            outcome = Outcome.CREATED
        else:
            changed = [name for name, value in fields.items() if getattr(post, name) != value]
            for name in changed:
                setattr(post, name, fields[name])
            if not changed and _same_terms(post, parsed):
                return Outcome.UNCHANGED
            outcome = Outcome.UPDATED
        post.save()
        post.categories.set(_terms(Category, parsed.categories))
        post.tags.set(_terms(Tag, parsed.tags))
    return outcome


def _terms(model: type[Category] | type[Tag], names: list[str]) -> list[Any]:
    return [
        model.objects.get_or_create(slug=term_slug(name), defaults={"name": name})[0]
        for name in names
    ]


def _same_terms(post: Post, parsed: PostFile) -> bool:
    """Whether the post already has exactly the file's categories and tags."""
    return all(
        set(manager.values_list("slug", flat=True)) == {term_slug(name) for name in names}
        for manager, names in ((post.categories, parsed.categories), (post.tags, parsed.tags))
    )


def _relative(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)
