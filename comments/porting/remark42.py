"""Remark42 backup (JSON lines, often gzipped) read a line at a time.

The first line is the site's metadata (`version`, `users`, `posts`); each further line is
one comment: `id`, `pid` (parent), `text` (HTML), `orig` (the Markdown typed), `user`,
`locator` (site and page URL), `time`, `delete`. Remark42 publishes at once, so a comment
is approved unless deleted (removed). Its IP is a hash, kept in the source fields.
"""

import json
from collections.abc import Iterator
from typing import Any

from comments.models import Status
from comments.porting.dates import parse_date
from comments.porting.detect import Source
from comments.porting.records import FileError, Record, SourceComment, SourceThread
from comments.porting.report import ImportReport

SYSTEM = "remark42"
MAPPED = frozenset({"id", "pid", "text", "orig", "user", "locator", "time", "delete", "title"})


def read(source: Source, report: ImportReport) -> Iterator[Record]:
    """Yield a thread the first time a page URL appears, then each comment."""
    seen: set[str] = set()
    with source.open() as stream:
        for number, raw in enumerate(stream, 1):
            if not raw.strip():
                continue
            item = _loads(raw, number)
            if "locator" not in item:
                continue  # the metadata line
            url = str((item.get("locator") or {}).get("url") or "")
            if url not in seen:
                seen.add(url)
                yield SourceThread(key=url, url=url, title=str(item.get("title") or ""))
            yield _comment(item, url)


def _loads(raw: bytes, number: int) -> dict[str, Any]:
    try:
        item = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FileError(
            f"not a JSON line ({exc}); the backup may be truncated", line=number
        ) from exc
    if not isinstance(item, dict):
        raise FileError("expected one JSON object per line", line=number)
    return item


def _comment(item: dict[str, Any], url: str) -> SourceComment:
    user = item.get("user") or {}
    deleted = bool(item.get("delete"))
    extra = {key: value for key, value in item.items() if key not in MAPPED}
    extra["user"] = {key: value for key, value in user.items() if key != "name"}
    edit = item.get("edit") or {}
    return SourceComment(
        system=SYSTEM,
        id=str(item.get("id") or ""),
        thread=url,
        status=Status.REMOVED if deleted else Status.APPROVED,
        original_status="deleted" if deleted else "published",
        parent=str(item.get("pid") or ""),
        author_name=str(user.get("name") or ""),
        author_email=str(user.get("email") or ""),
        created_at=parse_date(str(item.get("time") or "")),
        edited_at=parse_date(str(edit.get("time") or "")),
        body=str(item.get("orig") or item.get("text") or ""),
        extra=extra,
    )
