"""Disqus XML export read as a stream: threads first, then posts (comments) naming their thread.

Statuses come from flags: `isSpam` spam, `isDeleted` removed (deleted by its author or
a moderator: it stays gone), `isApproved` false pending, else approved; the flags are
kept in the source fields. A post whose thread is not in the file is reported with its
thread listed as unmatched. A thread identifier written by the Disqus WordPress plugin
("4127 https://blog/?p=4127") gives the post's `wordpress_id`.
"""

import re
from collections.abc import Iterator
from typing import Any

from comments.models import Status
from comments.porting.dates import parse_date
from comments.porting.detect import Source
from comments.porting.records import Record, SourceComment, SourceThread
from comments.porting.report import ImportReport
from comments.porting.xmlstream import Node, records

SYSTEM = "disqus"
DSQ_ID = "dsq:id"
WORDPRESS_IDENTIFIER = re.compile(r"^(\d+)\s+\S")
TRUE = frozenset({"true", "1"})
MAPPED = frozenset(
    {
        "message",
        "createdAt",
        "isDeleted",
        "isSpam",
        "isApproved",
        "author",
        "ipAddress",
        "thread",
        "parent",
    }
)


def read(source: Source, report: ImportReport) -> Iterator[Record]:
    """Yield threads and comments in file order."""
    with source.open() as stream:
        for node in records(stream, report, depth=1):
            if type(node) is not Node:
                continue
            if node.name == "thread":
                yield _thread(node)
            elif node.name == "post":
                yield _comment(node)


def _children(element: Node) -> dict[str, Node]:
    return {child.name: child for child in element.children}


def _text(children: dict[str, Node], name: str) -> str:
    child = children.get(name)
    return child.text.strip() if child is not None else ""


def _thread(element: Node) -> SourceThread:
    children = _children(element)
    identifier = _text(children, "id")
    match = WORDPRESS_IDENTIFIER.match(identifier)
    return SourceThread(
        key=element.get(DSQ_ID),
        title=_text(children, "title"),
        url=_text(children, "link"),
        wordpress_id=match.group(1) if match else "",
        published_at=parse_date(_text(children, "createdAt")),
        content=_text(children, "message"),
        open=_text(children, "isClosed").lower() not in TRUE,
    )


def _flag(children: dict[str, Node], name: str) -> bool:
    return _text(children, name).lower() in TRUE


def _status(children: dict[str, Node]) -> tuple[str, str]:
    if _flag(children, "isSpam"):
        return Status.SPAM, "spam"
    if _flag(children, "isDeleted"):
        return Status.REMOVED, "deleted"
    if _text(children, "isApproved").lower() in ("false", "0"):
        return Status.PENDING, "pending"
    return Status.APPROVED, "approved"


def _comment(element: Node) -> SourceComment:
    children = _children(element)
    author = _children(children["author"]) if "author" in children else {}
    status, original = _status(children)
    thread, parent = children.get("thread"), children.get("parent")
    extra: dict[str, Any] = {
        name: child.text.strip() for name, child in children.items() if name not in MAPPED
    }
    extra.update(
        {
            f"author_{name}": child.text.strip()
            for name, child in author.items()
            if name not in ("email", "name")
        }
    )
    return SourceComment(
        system=SYSTEM,
        id=element.get(DSQ_ID),
        thread=thread.get(DSQ_ID) if thread is not None else "",
        status=status,
        original_status=original,
        parent=parent.get(DSQ_ID) if parent is not None else "",
        author_name=_text(author, "name") or _text(author, "username"),
        author_email=_text(author, "email"),
        ip_address=_text(children, "ipAddress"),
        created_at=parse_date(_text(children, "createdAt")),
        body=_text(children, "message"),
        extra=extra,
    )
