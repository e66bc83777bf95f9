"""Save a stream of source records: threads matched to posts, comments in batches.

Each batch is one transaction. A reply may come before its parent (real exports do
that): it waits, in memory, until its parent is saved; a parent that never comes makes
it top-level (an orphan, reported). Comments already imported (same system and original
id) are skipped, so running an import again finishes an interrupted one and creates
nothing twice. One whose id was imported onto another post is another site's comment
with the same id: it is skipped and reported as a clash (`ImportOptions.site` keeps a
second site's ids apart).
"""

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, router, transaction
from django.utils import timezone

from comments.comment_rows import ImportedComment
from comments.models import Comment
from comments.porting.build import Saved, build_comment
from comments.porting.posts import Found, PostMatcher, post_id
from comments.porting.records import Record, SourceComment, SourceThread
from comments.porting.report import ImportReport
from comments.services import comments_import
from comments.stamps import stamps_touch

BATCH_SIZE = 2000
LOOKUP_CHUNK = 500  # ids per look-up query (SQLite's older builds take 999 parameters)
SOURCE_KEY = ("source_system", "source_id")
SAVED_COLUMNS = (*SOURCE_KEY, "id", "post", "depth", "thread_path")
MAX_PATH_DEPTH = 99  # thread_path holds 100 steps of 10 digits

Key = tuple[str, str]
NOT_IN_FILE = "(thread not in the file)"


@dataclass
class Pending:
    comment: SourceComment
    post: Found  # a new post is saved before the batch that holds this comment
    orphan: bool = False  # its parent is not to be found: it goes top-level

    @property
    def post_id(self) -> int:
        return post_id(self.post)


class CommentWriter:
    """Takes records in file order; `close()` saves what is left and settles the orphans."""

    def __init__(
        self,
        *,
        matcher: PostMatcher,
        report: ImportReport,
        on_saved: Callable[[list[ImportedComment]], None] | None = None,
        site: str = "",
    ) -> None:
        self.matcher = matcher
        self.report = report
        self.on_saved = on_saved
        self.prefix = f"{site}:" if site else ""
        self.threads: dict[str, SourceThread] = {}
        self.posts: dict[str, Found | None] = {}
        self.batch: list[Pending] = []
        self.waiting: dict[Key, list[Pending]] = defaultdict(list)

    def write_all(self, records: Iterable[Record]) -> None:
        for record in records:
            self.add(record)
        self.close()

    def add(self, record: Record) -> None:
        if isinstance(record, SourceThread):
            self.threads.setdefault(record.key, record)
            return
        self.report.count(record)
        if self.prefix:
            self._from_site(record)
        if not record.id:
            record.id = _derived_id(record)
            self.report.repair("no comment id (one derived from thread, author, date and text)")
        post = self._post_for(record.thread)
        if post is None:
            self.report.not_imported += 1
            self.report.unmatched[record.thread].comments += 1
            return
        self.batch.append(Pending(record, post))
        if len(self.batch) >= BATCH_SIZE:
            self.flush()

    def _from_site(self, comment: SourceComment) -> None:
        """Put the site's name before the comment's id and its parent's."""
        comment.id = self.prefix + comment.id if comment.id else ""
        comment.parent = self.prefix + comment.parent if comment.parent else ""
        if comment.link:
            comment.link = (comment.link[0], self.prefix + comment.link[1])

    def _in_db(self, keys: Iterable[Key]) -> dict[Key, Saved]:
        """Return the saved comments with these keys (under a site's name, also without it)."""
        keys = list(keys)
        if self.prefix:
            keys += [(system, ident.removeprefix(self.prefix)) for system, ident in keys]
        rows = _by_source(keys, SAVED_COLUMNS)
        return {
            (s, ident): Saved(pk, post, depth, path) for s, ident, pk, post, depth, path in rows
        }

    def _saved_as(self, found: dict[Key, Saved], key: Key, post_id: int) -> Saved | None:
        """Return the comment saved as `key`; under a site's name, else the one an import
        without the name saved onto the same post."""
        saved = found.get(key)
        if saved is None and self.prefix:
            earlier = found.get((key[0], key[1].removeprefix(self.prefix)))
            saved = earlier if earlier is not None and earlier.post_id == post_id else None
        return saved

    def _post_for(self, thread_key: str) -> Found | None:
        if thread_key in self.posts:
            return self.posts[thread_key]
        thread = self.threads.get(thread_key)
        if thread is None:
            thread = SourceThread(key=thread_key, title=NOT_IN_FILE)
            self.report.repair("threads named by comments but not in the file")
        post = self.matcher.find(thread)
        if post is not None:
            self.report.threads["matched"] += 1
        elif self.matcher.create and thread.title != NOT_IN_FILE:
            post = self.matcher.create_post(thread)
            self.report.threads["created"] += 1
        else:
            self.report.thread_unmatched(thread)
        self.posts[thread_key] = post
        self.threads.pop(thread_key, None)
        return post

    def flush(self) -> None:
        """Save the current batch (and the waiting replies whose parents it holds)."""
        batch, self.batch = self._unique(self.batch), []
        batch += self._released(batch)
        with transaction.atomic():
            self.matcher.save_new()
            new = self._not_yet_imported(batch)
            saved = self._parents_in_db(new)
            touched: set[int] = set()
            self._save_in_levels(new, saved, touched)
            # Once per batch, not per level: a batch saves a thread's comments in several
            # levels (parents before replies), and each touch writes the posts' stamps.
            if touched:
                stamps_touch(touched)

    def close(self) -> None:
        """Save the rest; a reply whose parent never came goes top-level, its replies under it."""
        self.flush()
        left = [pending for group in self.waiting.values() for pending in group]
        present = {(p.comment.system, p.comment.id) for p in left}
        for parent_key, group in self.waiting.items():
            if parent_key not in present:
                self.report.orphans += len(group)
                for pending in group:
                    pending.orphan = True
        self.waiting.clear()
        self.batch = left
        self.flush()

    def _unique(self, batch: list[Pending]) -> list[Pending]:
        """Drop a second comment with the same id (across batches, the database check does)."""
        keys: set[Key] = set()
        unique = []
        for pending in batch:
            key = (pending.comment.system, pending.comment.id)
            if key in keys:
                self.report.repair("the same comment id twice in the file (the second skipped)")
            else:
                keys.add(key)
                unique.append(pending)
        return unique

    def _released(self, batch: list[Pending]) -> list[Pending]:
        released: list[Pending] = []
        queue = [(p.comment.system, p.comment.id) for p in batch]
        while queue:
            for child in self.waiting.pop(queue.pop(), []):
                released.append(child)
                queue.append((child.comment.system, child.comment.id))
        return released

    def _not_yet_imported(self, batch: list[Pending]) -> list[Pending]:
        """Drop the comments saved before. One whose id was saved onto another post is
        another site's comment with the same id: skipped, and reported as a clash."""
        found = self._in_db((p.comment.system, p.comment.id) for p in batch)
        new = []
        for pending in batch:
            key = (pending.comment.system, pending.comment.id)
            saved = self._saved_as(found, key, pending.post_id)
            if saved is None:
                new.append(pending)
            elif saved.post_id == pending.post_id:
                self.report.existing += 1
            else:
                self.report.clashes += 1
        return new

    def _parents_in_db(self, batch: list[Pending]) -> dict[Key, Saved]:
        """Return the saved parents of the batch's replies (as `_saved_as` finds them)."""
        wanted = {key: p.post_id for p in batch if (key := p.comment.parent_key()) is not None}
        found = self._in_db(wanted)
        return {
            key: parent
            for key, post_id in wanted.items()
            if (parent := self._saved_as(found, key, post_id)) is not None
        }

    def _save_in_levels(
        self, batch: list[Pending], saved: dict[Key, Saved], touched: set[int]
    ) -> None:
        """Save parents before replies: each round saves every comment whose parent is known.

        A comment whose parent is neither saved nor in the batch waits (and so do its own
        replies, a round later); comments left naming only each other are a loop, broken.
        """
        in_batch = {(p.comment.system, p.comment.id) for p in batch}
        todo = batch
        while todo:
            ready, later = [], []
            for pending in todo:
                parent_key = pending.comment.parent_key()
                if parent_key is None or pending.orphan or parent_key in saved:
                    ready.append(pending)
                elif parent_key in in_batch:
                    later.append(pending)
                else:
                    self.waiting[parent_key].append(pending)
                    in_batch.discard((pending.comment.system, pending.comment.id))
            if not ready and all(p.comment.parent_key() in in_batch for p in later):
                self.report.orphans += len(later)
                for pending in later:
                    pending.orphan = True
                ready, later = later, []
            self._save(ready, saved, touched)
            todo = later

    def _save(self, ready: list[Pending], saved: dict[Key, Saved], touched: set[int]) -> None:
        comments, histories = [], []
        now = timezone.now()
        # In file order: thread_path orders siblings by id, and exports list them in order.
        for pending in ready:
            parent = self._parent(pending, saved)
            comment, history = build_comment(
                pending.comment,
                post_id=pending.post_id,
                parent=parent,
                report=self.report,
                now=now,
            )
            comments.append(comment)
            histories.append(history)
        if not comments:
            return
        ids = comments_import(comments=comments, histories=histories, touch_stamps=False)
        touched.update(comment.post_id for comment in comments)
        for comment, pk in zip(comments, ids, strict=True):
            saved[(comment.source_system, comment.source_id)] = Saved(
                pk, comment.post_id, comment.depth, comment.thread_path
            )
        self.report.created += len(comments)
        if self.on_saved is not None:
            self.on_saved(comments)

    def _parent(self, pending: Pending, saved: dict[Key, Saved]) -> Saved | None:
        key = pending.comment.parent_key()
        if key is None or pending.orphan:
            return None
        parent = saved[key]
        if parent.post_id != pending.post_id:
            self.report.orphans += 1
            self.report.repair("reply to a comment of another thread (made top-level)")
            return None
        if parent.depth + 1 > MAX_PATH_DEPTH:
            self.report.repair(f"replies deeper than {MAX_PATH_DEPTH} levels (made top-level)")
            return None
        return parent


def _by_source(keys: Iterable[Key], columns: Sequence[str]) -> list[tuple[Any, ...]]:
    """Return `columns` of the comments with these (system, id) keys, by the unique index.

    Plain SQL: building the ORM's `IN` of a batch's 2,000 ids cost more than running it.
    The index is partial (imported comments only): its condition is repeated in the query,
    or SQLite would not use it and scan the table once per batch. On PostgreSQL each id is
    looked up on its own (a lateral join; LIMIT 1, a no-op on a unique key, keeps the
    planner from merging it back into one join): with an `IN` list, the planner, whose
    statistics lag behind a table that an import fills, read every imported comment of the
    system and filtered them, most of a second per query once the table held 400,000.
    """
    by_system: dict[str, list[str]] = defaultdict(list)
    for system, ident in set(keys):
        by_system[system].append(ident)
    connection = connections[router.db_for_write(Comment)]
    quote = connection.ops.quote_name
    column_of = {field.name: str(field.column) for field in Comment._meta.concrete_fields}
    names = ", ".join(quote(column_of[name]) for name in columns)
    table = quote(Comment._meta.db_table)
    system_column, id_column = quote("source_system"), quote("source_id")
    rows: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for system, ids in by_system.items():
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"SELECT found.* FROM unnest(%s::text[]) AS wanted(ident) "  # noqa: S608
                    f"CROSS JOIN LATERAL (SELECT {names} FROM {table} "
                    f"WHERE {system_column} = %s AND {id_column} = wanted.ident "
                    f"AND NOT ({system_column} = '') LIMIT 1) AS found",
                    [ids, system],
                )
                rows.extend(cursor.fetchall())
                continue
            for start in range(0, len(ids), LOOKUP_CHUNK):
                chunk = ids[start : start + LOOKUP_CHUNK]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"SELECT {names} FROM {table} "  # noqa: S608
                    f"WHERE {system_column} = %s AND {id_column} IN ({marks}) "
                    f"AND NOT ({system_column} = '')",
                    [system, *chunk],
                )
                rows.extend(cursor.fetchall())
    return rows


def _derived_id(comment: SourceComment) -> str:
    """Return an id that the same comment gets on every run (for the idempotency key)."""
    when = comment.created_at.isoformat() if comment.created_at else ""
    text = "\x1f".join((comment.thread, comment.author_name, when, comment.body))
    return "sha1:" + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()
