"""Our own JSON export read back: a restore, with each comment's status, source and history.

The export's layout (one post header, then one comment, per line) is read a line at a
time; a document laid out otherwise (pretty-printed by another tool) is read whole.
Replies link to their parents by the export's ids, which are the old database's; a
comment keeps the source it had (a WordPress comment stays WordPress's, id and all), and
one written on the old site is keyed `threadkeeper` + its old id, so a re-run skips it.
"""

import json
from collections.abc import Iterable, Iterator
from typing import Any

from comments.models import Kind, Status
from comments.porting.dates import parse_date
from comments.porting.detect import Source
from comments.porting.export import FORMAT, NATIVE, VERSION
from comments.porting.records import FileError, Record, SourceComment, SourceThread
from comments.porting.report import ImportReport
from comments.services import ImportedEvent

POST_END = "]}"
COMMENTS_OPEN = '"comments": ['


def read(source: Source, report: ImportReport) -> Iterator[Record]:
    """Yield each post as a thread, then its comments, in document order."""
    with source.open() as stream:
        first = stream.readline().decode("utf-8-sig").strip()
        if first.endswith('"posts": ['):
            header = _loads(first + "]}", 1)
            _check(header)
            yield from _posts_by_line(stream, report)
            return
        stream.seek(0)
        try:
            document = json.load(stream)
        except (ValueError, UnicodeDecodeError) as exc:
            raise FileError(f"not valid JSON ({exc})", line=getattr(exc, "lineno", None)) from exc
    _check(document)
    for post in document.get("posts") or []:
        yield from _post(post, post.get("comments") or [], report)


def _posts_by_line(stream: Iterable[bytes], report: ImportReport) -> Iterator[Record]:
    linked: dict[Any, tuple[str, str]] = {}
    slug, in_post, number = "", False, 1
    for number, raw in enumerate(stream, 2):
        line = raw.decode("utf-8").strip().lstrip(",")
        if not line:
            continue
        if line.rstrip(",") == POST_END:
            if not in_post:
                return  # the document's own end
            in_post = False
        elif line.endswith(COMMENTS_OPEN):
            post = _loads(line + "]}", number)
            slug, linked, in_post = str(post.get("slug", "")), {}, True
            yield _thread(post)
        else:
            yield _comment(_loads(line.rstrip(","), number), slug, linked, report)
    raise FileError("the file ends before the document does: it is truncated", line=number)


def _post(post: dict[str, Any], comments: list[Any], report: ImportReport) -> Iterator[Record]:
    linked: dict[Any, tuple[str, str]] = {}
    yield _thread(post)
    for comment in comments:
        yield _comment(comment, str(post.get("slug", "")), linked, report)


def _loads(text: str, line: int) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise FileError(
            f"not valid JSON ({exc.args[0]}); the file may be truncated", line=line
        ) from exc
    if not isinstance(value, dict):
        raise FileError("expected a JSON object", line=line)
    return value


def _check(document: dict[str, Any]) -> None:
    if document.get("format") != FORMAT or document.get("version") != VERSION:
        raise FileError(f'not a {FORMAT} export version {VERSION} ("format" and "version" keys)')


def _thread(post: dict[str, Any]) -> SourceThread:
    slug = str(post.get("slug", ""))
    return SourceThread(
        key=slug,
        slug=slug,
        title=str(post.get("title") or ""),
        url=str(post.get("url") or ""),
        published_at=parse_date(str(post.get("published_at") or "")),
        open=bool(post.get("comments_enabled", True)),
    )


def _comment(
    item: dict[str, Any], slug: str, linked: dict[Any, tuple[str, str]], report: ImportReport
) -> SourceComment:
    source = item.get("source") or {}
    system, ident = (
        (str(source["system"]), str(source["id"])) if source else (NATIVE, str(item.get("id", "")))
    )
    status = str(item.get("status", ""))
    parent = item.get("parent")
    link: tuple[str, ...] = ()
    if parent is not None:
        link = linked.get(parent, (NATIVE, str(parent)))
    linked[item.get("id")] = (system, ident)
    return SourceComment(
        system=system,
        id=ident,
        thread=slug,
        status=status if status in Status.values else Status.PENDING,
        original_status=str(source.get("status", status)),
        known_status=status in Status.values,
        parent=str(source.get("parent", "")),
        link=link,
        type=str(item.get("type") or Kind.COMMENT),
        author_name=str(item.get("author_name") or ""),
        author_email=str(item.get("author_email") or ""),
        author_url=str(item.get("author_url") or ""),
        ip_address=str(item.get("ip_address") or ""),
        created_at=parse_date(str(item.get("created_at") or "")),
        edited_at=parse_date(str(item.get("edited_at") or "")),
        body=str(item.get("body_source") or ""),
        extra=dict(source.get("extra") or {}),
        history=_history(item.get("history") or [], report) or None,
        original_post=str(source.get("post", "")),
    )


def _history(events: list[Any], report: ImportReport) -> list[ImportedEvent]:
    history = []
    for event in events:
        at = parse_date(str(event.get("at") or ""))
        if at is None or event.get("to") not in Status.values:
            report.repair("history events without a time or a known status (left out)")
            continue
        history.append(
            ImportedEvent(
                at=at,
                to_status=event["to"],
                from_status=event.get("from") if event.get("from") in Status.values else "",
                reason=str(event.get("reason") or ""),
                actor_label=str(event.get("actor") or ""),
            )
        )
    return history
