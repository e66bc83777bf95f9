"""Run one import: detect the format, read the file, match threads, write comments, report.

Each batch of comments is its own transaction: a file that breaks halfway (truncated,
malformed) stops with the line number and a report of what was saved before it, and
running the same command on the fixed file finishes the job without duplicates. A dry
run does all of it inside one transaction that is rolled back.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from django.db import transaction

from comments.comment_rows import ImportedComment
from comments.porting.detect import Source, detect_format
from comments.porting.pipeline import read_in_child
from comments.porting.posts import PostMatcher, read_map
from comments.porting.records import FileError, Record, SourceComment
from comments.porting.report import ImportReport
from comments.porting.writer import CommentWriter

READERS = {
    "wxr": "comments.porting.wxr",
    "disqus": "comments.porting.disqus",
    "isso": "comments.porting.isso",
    "remark42": "comments.porting.remark42",
    "json": "comments.porting.native",
}
# Readers whose reading costs as much as writing: read in a second process (pipeline.py).
READ_IN_CHILD = frozenset({"wxr", "disqus"})
PROGRESS_EVERY = 500

Progress = Callable[[int, float], None]


@dataclass(frozen=True)
class ImportOptions:
    format: str = "auto"
    dry_run: bool = False
    create_posts: bool = False
    map_file: Path | None = None
    # A name for the site the file comes from, put before each original id: a second
    # site's export of the same kind then keeps its ids apart from the first's.
    site: str = ""


def comments_import_file(
    *,
    path: Path,
    options: ImportOptions,
    progress: Progress | None = None,
    on_saved: Callable[[list[ImportedComment]], None] | None = None,
) -> ImportReport:
    """Import every comment of `path`; FileError says what stopped it (the report has the rest)."""
    fmt = detect_format(path) if options.format == "auto" else options.format
    if fmt not in READERS:
        raise FileError(f"unknown format {fmt!r}; use one of: auto, {', '.join(READERS)}")
    report = ImportReport(format=fmt, dry_run=options.dry_run)
    mapping = read_map(options.map_file) if options.map_file else {}
    source = Source(path)
    read = import_module(READERS[fmt]).read
    records = read_in_child(read, source, report) if fmt in READ_IN_CHILD else read(source, report)
    with transaction.atomic() if options.dry_run else nullcontext():
        writer = CommentWriter(
            matcher=PostMatcher(mapping=mapping, create=options.create_posts),
            report=report,
            on_saved=None if options.dry_run else on_saved,
            site=options.site,
        )
        try:
            writer.write_all(_counted(records, source, progress))
        except FileError as exc:
            writer.flush()  # everything before the error is saved; a re-run does the rest
            report.error = str(exc)
        if options.dry_run:
            transaction.set_rollback(True)
    return report


def _counted(
    records: Iterable[Record], source: Source, progress: Progress | None
) -> Iterator[Record]:
    seen = 0
    for record in records:
        yield record
        if isinstance(record, SourceComment):
            seen += 1
            if progress is not None and seen % PROGRESS_EVERY == 0:
                progress(seen, source.fraction())
    if progress is not None:
        progress(seen, 1.0)
