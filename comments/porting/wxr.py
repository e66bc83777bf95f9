"""WordPress WXR (1.0 to 1.2, http or https namespaces) read as a stream of records.

Each `<item>` is a thread (its post) and its `<wp:comment>` elements are the comments;
elements are dropped as soon as they are read, so memory stays flat however large the
file. Statuses: `1` approved, `0` pending, `spam` spam, `trash` rejected (a moderator put
it there); anything else (`''`, `post-trashed`, …) is held as pending and reported, the
original kept in the comment's source fields.
"""

from collections.abc import Iterator
from typing import Any, BinaryIO

from comments.models import Kind, Status
from comments.porting.dates import parse_date
from comments.porting.detect import Source
from comments.porting.records import Record, SourceComment, SourceThread
from comments.porting.report import ImportReport
from comments.porting.xmlstream import Closed, Node, records

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
# Element name -> field name, for the comment's children that have a column.
MAPPED = {
    f"wp:comment_{name}": name
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
}


def read(source: Source, report: ImportReport) -> Iterator[Record]:
    """Yield each item's thread (once, before its comments) and every comment."""
    with source.open() as stream:
        yield from _read(stream, report)


def _read(stream: BinaryIO, report: ImportReport) -> Iterator[Record]:
    item: dict[str, str] = {}
    held: list[SourceComment] = []
    # rss > channel > item > (the post's fields, and wp:comment elements)
    for node in records(stream, report, depth=3):
        if type(node) is Closed:
            if node.name == "item":
                yield from _thread_and(item, held)
            # Elements of the channel that are not items (its image, authors, terms) have
            # fields of their own: they must not become the next item's.
            item, held = {}, []
            continue
        assert type(node) is Node
        name = node.name
        if name == "wp:comment":
            held.append(_comment(node, report))
            if len(held) >= 500 and "wp:post_id" in item:
                yield from _thread_and(item, held)
                item["emitted"], held = "1", []
        elif name not in item:
            item[name] = node.text


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


def _comment(element: Node, report: ImportReport) -> SourceComment:
    fields: dict[str, str] = {}
    extra: dict[str, Any] = {}
    for child in element.children:
        name = child.name
        if name in MAPPED:
            fields[MAPPED[name]] = child.text
        elif name == "wp:commentmeta":
            extra.setdefault("commentmeta", []).append(
                {c.name.removeprefix("wp:"): c.text for c in child.children}
            )
        else:
            extra[name.removeprefix("wp:")] = child.text
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
