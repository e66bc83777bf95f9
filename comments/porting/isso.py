"""Isso's SQLite database, read directly (opened read-only), one comment row at a time.

Threads are Isso's `threads` (uri, title); comments carry `mode`: 1 accepted (approved),
2 waiting for a moderator (pending), 4 deleted but kept for its replies (removed).
Bodies are Markdown, as Isso stores them; its `remote_addr` is already anonymized.
"""

import sqlite3
from collections.abc import Iterator

from comments.models import Status
from comments.porting.dates import from_timestamp
from comments.porting.detect import Source
from comments.porting.records import FileError, Record, SourceComment, SourceThread
from comments.porting.report import ImportReport

SYSTEM = "isso"
MODES = {1: Status.APPROVED, 2: Status.PENDING, 4: Status.REMOVED}
COMMENTS = (
    "SELECT tid, id, parent, created, modified, mode, remote_addr, text, author, email, "
    "website, likes, dislikes, notification FROM comments ORDER BY id"
)


def read(source: Source, report: ImportReport) -> Iterator[Record]:
    """Yield every thread, then every comment in id order."""
    try:
        database = sqlite3.connect(f"file:{source.path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise FileError(f"cannot open the Isso database: {exc}") from exc
    try:
        total = database.execute("SELECT count(*) FROM comments").fetchone()[0] or 1
        for tid, uri, title in database.execute("SELECT id, uri, title FROM threads"):
            yield SourceThread(key=str(tid), url=uri or "", title=title or "")
        for number, row in enumerate(database.execute(COMMENTS), 1):
            source.done = number / total
            yield _comment(row)
    except sqlite3.Error as exc:
        raise FileError(
            f"not an Isso database, or a damaged one ({exc}); give the comments.db file"
        ) from exc
    finally:
        database.close()


def _comment(row: tuple[object, ...]) -> SourceComment:
    tid, ident, parent, created, modified, mode, addr, text, author, email, website = row[:11]
    likes, dislikes, notification = row[11:]
    known = mode in MODES
    return SourceComment(
        system=SYSTEM,
        id=str(ident),
        thread=str(tid),
        status=MODES.get(mode, Status.PENDING),  # type: ignore[call-overload]
        original_status=f"mode {mode}",
        known_status=known,
        parent=str(parent) if parent else "",
        author_name=str(author or ""),
        author_email=str(email or ""),
        author_url=str(website or ""),
        ip_address=str(addr or ""),
        created_at=from_timestamp(created),  # type: ignore[arg-type]
        edited_at=from_timestamp(modified),  # type: ignore[arg-type]
        body=str(text or ""),
        extra={"likes": likes, "dislikes": dislikes, "notification": notification},
    )
