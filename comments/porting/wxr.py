"""WordPress WXR (1.0 to 1.2, http or https namespaces) read as a stream of records.

Each `<item>` is a thread (its post) and its `<wp:comment>` elements are the comments;
elements are dropped as soon as they are read, so memory stays flat however large the
file. Statuses: `1` approved, `0` pending, `spam` spam, `trash` rejected (a moderator put
it there); anything else (`''`, `post-trashed`, …) is held as pending and reported, the
original kept in the comment's source fields.
"""

from collections.abc import Iterator
from typing import Any, BinaryIO
from xml.etree.ElementTree import Element

from comments.models import Kind, Status
from comments.porting.dates import parse_date
from comments.porting.detect import Source
from comments.porting.records import Record, SourceComment, SourceThread
from comments.porting.report import ImportReport
from comments.porting.xmlstream import events, qname

SYSTEM = "wordpress"
STATUSES = {
    "1": Status.APPROVED,
    "approve": Status.APPROVED,
    "0": Status.PENDING,
    "hold": Status.PENDING,
    "spam": Status.SPAM,
    "trash": Status.REJECTED,
}
TYPES = {
    "": Kind.COMMENT,
    "comment": Kind.COMMENT,
    "pingback": Kind.PINGBACK,
    "trackback": Kind.TRACKBACK,
}
MAPPED = frozenset(
    f"wp:comment_{name}"
    for name in (
        "id",
        "author",
        "author_email",
        "author_url",
        "author_IP",
        "date_gmt",
        "content",
        "approved",
        "type",
        "parent",
        "agent",
    )
)


def read(source: Source, report: ImportReport) -> Iterator[Record]:
    """Yield each item's thread (once, before its comments) and every comment."""
    with source.open() as stream:
        yield from _read(stream, report)


def _read(stream: BinaryIO, report: ImportReport) -> Iterator[Record]:
    stack: list[Element] = []
    item: dict[str, str] = {}
    held: list[SourceComment] = []
    for event, element in events(stream, report):
        if event == "start":
            stack.append(element)
            continue
        stack.pop()
        depth = len(stack)
        if depth > 3:  # a comment's fields: read with the comment when it ends
            continue
        name = qname(element.tag)
        if depth == 3 and name == "wp:comment":
            held.append(_comment(element, item, report))
        elif depth == 3 and name not in item:
            item[name] = element.text or ""
        elif depth == 2 and name == "item":
            yield from _thread_and(item, held)
            item, held = {}, []
        if 2 <= depth <= 3:
            stack[-1].remove(element)
        if depth == 3 and len(held) >= 500 and "wp:post_id" in item:
            yield from _thread_and(item, held)
            item["emitted"], held = "1", []


def _thread_and(item: dict[str, str], held: list[SourceComment]) -> Iterator[Record]:
    key = item.get("wp:post_id", "").strip() or item.get("link", "").strip()
    if held and not item.get("emitted"):
        yield SourceThread(
            key=key,
            title=item.get("title", "").strip(),
            url=item.get("link", "").strip(),
            slug=item.get("wp:post_name", "").strip(),
            wordpress_id=item.get("wp:post_id", "").strip(),
            published_at=parse_date(item.get("wp:post_date_gmt", ""))
            or parse_date(item.get("pubDate", "")),
            content=item.get("content:encoded", ""),
            open=item.get("wp:comment_status", "open").strip() != "closed",
        )
    for comment in held:
        comment.thread = key
        yield comment


def _comment(element: Element, item: dict[str, str], report: ImportReport) -> SourceComment:
    fields: dict[str, str] = {}
    extra: dict[str, Any] = {}
    for child in element:
        name = qname(child.tag)
        if name == "wp:commentmeta":
            extra.setdefault("commentmeta", []).append(
                {qname(c.tag).removeprefix("wp:"): c.text or "" for c in child}
            )
        elif name in MAPPED:
            fields[name.removeprefix("wp:comment_")] = child.text or ""
        else:
            extra[name.removeprefix("wp:")] = child.text or ""
    original = fields.get("approved", "").strip()
    kind = fields.get("type", "").strip()
    if kind not in TYPES:
        extra["comment_type"] = kind
        report.repair(f"comment type {kind!r} kept as an ordinary comment")
    created = parse_date(fields.get("date_gmt", ""))
    if created is None and extra.get("comment_date"):
        created = parse_date(extra["comment_date"], naive_is_utc=False)
        report.repair("no GMT date (local date read in the site's time zone)")
    parent = fields.get("parent", "").strip()
    return SourceComment(
        system=SYSTEM,
        id=fields.get("id", "").strip(),
        thread="",
        status=STATUSES.get(original, Status.PENDING),
        original_status=original,
        known_status=original in STATUSES,
        parent="" if parent in ("", "0") else parent,
        type=TYPES.get(kind, Kind.COMMENT),
        author_name=fields.get("author", ""),
        author_email=fields.get("author_email", ""),
        author_url=fields.get("author_url", ""),
        ip_address=fields.get("author_IP", ""),
        user_agent=fields.get("agent", ""),
        created_at=created,
        body=fields.get("content", ""),
        extra=extra,
    )
