"""Streaming, defused XML for the importers: no entity expansion, no external entities.

The file is read by expat's own callbacks, with the handlers defusedxml installs (any
entity declaration and any external entity reference stops the parse), and only the
records the reader asks for are built: each element at one depth, with its subtree, as
a small `Node` (name, attributes, text, children), handed out once it ends. Nothing else
of the document is kept, so memory stays flat however large the file; building
ElementTree elements for the whole document and walking them cost more than expat's
parsing itself.

Real WordPress.com exports of some years use the `atom:` prefix without declaring it,
which any conforming parser rejects; the well-known prefixes an export may use are
declared on the root element before parsing (on the same line, so line numbers in
errors stay true), and the report says which ones the file needed.
"""

import re
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO
from xml.parsers import expat

from defusedxml import DefusedXmlException
from defusedxml.common import EntitiesForbidden, ExternalReferenceForbidden

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
CHUNK_BYTES = 1 << 16
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


def qname(tag: str) -> str:
    """Return `prefix:local` for expat's `namespace local` name, one prefix per URI family."""
    namespace, _, local = tag.rpartition(" ")
    return f"{_family(namespace)}{local}"


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


class Node:
    """One element of a record: `prefix:local` name, attributes, text before its first child."""

    __slots__ = ("attrs", "children", "name", "text")

    def __init__(self, name: str, attrs: dict[str, str]) -> None:
        self.name = name
        self.attrs = attrs
        self.text = ""
        self.children: list[Node] = []

    def get(self, attribute: str, default: str = "") -> str:
        return self.attrs.get(attribute, default)


class Closed:
    """Said when an element that holds records (one level above them) ends."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


def records(stream: BinaryIO, report: ImportReport, *, depth: int) -> Iterator[Node | Closed]:
    """Yield each element `depth` levels under the root as a Node, and a Closed for its parents.

    Errors become a FileError with the line: not well-formed XML (a truncated download),
    and entity declarations or external entities (refused, never expanded).
    """
    reader = _DeclaringReader(stream, report)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.buffer_size = CHUNK_BYTES
    out: list[Node | Closed] = []
    start, end, text = _handlers(depth, out)
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    # What defusedxml's parsers install: an entity declaration, internal or external, or
    # a reference to an external entity stops the parse before anything is expanded.
    parser.EntityDeclHandler = _entity_declared
    parser.UnparsedEntityDeclHandler = _unparsed_entity_declared
    parser.ExternalEntityRefHandler = _external_entity
    # A reference to an entity that was never declared (possible only under a DTD that
    # expat does not read) is refused too, not silently dropped.
    parser.SkippedEntityHandler = _skipped_entity
    try:
        while chunk := reader.read(CHUNK_BYTES):
            parser.Parse(chunk, False)
            if out:
                yield from out
                out.clear()
        parser.Parse(b"", True)
        yield from out
    except expat.ExpatError as exc:
        raise FileError(
            f"the file is not well-formed XML ({expat.ErrorString(exc.code)}); "
            "a truncated download or an edited export does this: export again, or fix the "
            "file at that line",
            line=exc.lineno,
        ) from exc
    except DefusedXmlException as exc:
        raise FileError(
            f"the file declares entities or a DTD ({type(exc).__name__}), which no comment "
            "export needs; refused for safety",
            line=parser.CurrentLineNumber,
        ) from exc


class _Names(dict[str, str]):
    """expat's names to `prefix:local`, each worked out once."""

    def __missing__(self, raw: str) -> str:
        name = self[raw] = qname(raw)
        return name


Handlers = tuple[
    Callable[[str, dict[str, str]], None], Callable[[str], None], Callable[[str], None]
]


def _handlers(record_depth: int, out: list[Node | Closed]) -> Handlers:
    """Return expat's start, end and text handlers, building records into `out`.

    Closures over local state, not methods: they run three times per element of the file,
    the importer's most frequent calls.
    """
    names = _Names()
    opened: list[Node] = []  # the record being built, down to the element being read
    level = 0  # how many elements are open
    text: str | None = None  # the innermost open Node's text, until its first child starts

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal level, text
        level += 1
        if level <= record_depth:
            return
        if attrs:
            attrs = {names[key]: value for key, value in attrs.items()}
        node = Node(names[tag], attrs)
        if opened:
            parent = opened[-1]
            if text is not None:
                parent.text = text
            parent.children.append(node)
        opened.append(node)
        text = ""

    def end(tag: str) -> None:
        nonlocal level, text
        level -= 1
        if not opened:
            if level == record_depth - 1:
                out.append(Closed(names[tag]))
            return
        node = opened.pop()
        if text is not None:
            node.text = text
            text = None
        if not opened:
            out.append(node)

    def chars(data: str) -> None:
        nonlocal text
        if text is not None:
            text += data

    return start, end, chars


def _entity_declared(name: str, is_parameter: bool, value: Any, *rest: Any) -> None:
    raise EntitiesForbidden(name, value, *rest)


def _unparsed_entity_declared(name: str, base: Any, sysid: Any, pubid: Any, notation: Any) -> None:
    raise EntitiesForbidden(name, None, base, sysid, pubid, notation)


def _external_entity(context: str, base: str | None, sysid: str | None, pubid: str | None) -> int:
    raise ExternalReferenceForbidden(context, base, sysid, pubid)


def _skipped_entity(name: str, is_parameter: bool) -> None:
    raise EntitiesForbidden(name, None, None, None, None, None)
