"""Streaming, defused XML for the importers: no entity expansion, no external entities.

Real WordPress.com exports of some years use the `atom:` prefix without declaring it,
which any conforming parser rejects; the well-known prefixes an export may use are
declared on the root element before parsing (on the same line, so line numbers in
errors stay true), and the report says which ones the file needed.
"""

import re
from collections.abc import Iterator
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError
from xml.parsers.expat import ErrorString

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from comments.porting.records import FileError
from comments.porting.report import ImportReport

KNOWN_PREFIXES = {
    "atom": "http://www.w3.org/2005/Atom",
    "dc": "http://purl.org/dc/elements/1.1/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "wp": "http://wordpress.org/export/1.2/",
    "dsq": "http://disqus.com/disqus-internals",
}
HEAD_BYTES = 1 << 16
ROOT_TAG = re.compile(rb"<([A-Za-z_][\w.-]*)(\s[^>]*)?>")


class _DeclaringReader:
    """A file wrapper that adds missing namespace declarations to the root start tag."""

    def __init__(self, stream: BinaryIO, report: ImportReport) -> None:
        self.stream = stream
        self.report = report
        self.head = self._declare(stream.read(HEAD_BYTES))

    def _declare(self, head: bytes) -> bytes:
        match = ROOT_TAG.search(head)
        if match is None:
            return head
        tag = match.group(0)
        # Declaring a prefix the file never uses is harmless; only the used ones are reported.
        missing = [p for p in KNOWN_PREFIXES if f"xmlns:{p}=".encode() not in tag]
        extra = "".join(f' xmlns:{p}="{KNOWN_PREFIXES[p]}"' for p in missing).encode()
        end = match.end() - (2 if tag.endswith(b"/>") else 1)
        for prefix in missing:
            if re.search(rf"</?{prefix}:".encode(), head):
                self.report.repair(f"declared the undeclared '{prefix}:' namespace prefix")
        return head[:end] + extra + head[end:]

    def read(self, size: int = -1) -> bytes:
        if self.head:
            chunk, self.head = self.head, b""
            return chunk
        return self.stream.read(size)


def qname(tag: str, cache: dict[str, str] = {}) -> str:  # noqa: B006 (a deliberate memo)
    """Return `prefix:local` for a namespaced tag, with one prefix per family of URIs."""
    if tag not in cache:
        namespace, _, local = tag[1:].rpartition("}") if tag.startswith("{") else ("", "", tag)
        cache[tag] = f"{_family(namespace)}{local}"
    return cache[tag]


def _family(namespace: str) -> str:
    if "wordpress.org/export" in namespace:
        return "excerpt:" if "excerpt" in namespace else "wp:"
    for prefix, needle in (
        ("content:", "modules/content"),
        ("dc:", "purl.org/dc"),
        ("atom:", "Atom"),
        ("dsq:", "disqus-internals"),
    ):
        if needle in namespace:
            return prefix
    return ""


def events(stream: BinaryIO, report: ImportReport) -> Iterator[tuple[str, Element]]:
    """Yield iterparse's (start|end, element) pairs; errors become a FileError with the line."""
    try:
        yield from iterparse(_DeclaringReader(stream, report), events=("start", "end"))
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise FileError(
            f"the file is not well-formed XML ({ErrorString(exc.code)}); "
            "a truncated download or an edited export does this: export again, or fix the "
            "file at that line",
            line=line,
        ) from exc
    except DefusedXmlException as exc:
        raise FileError(
            f"the file declares entities or a DTD ({type(exc).__name__}), which no comment "
            "export needs; refused for safety"
        ) from exc
