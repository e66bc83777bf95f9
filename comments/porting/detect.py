"""Which format a file is in, from its first bytes; gzip (Remark42 backups) opened transparently."""

import gzip
import json
from pathlib import Path
from typing import BinaryIO

from comments.porting.records import FileError

FORMATS = ("wxr", "disqus", "isso", "remark42", "json")
SNIFF_BYTES = 1 << 16


class Source:
    """The file being imported, and how far into it the reader has got (for the ETA)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = max(path.stat().st_size, 1)
        self.done: float | None = None  # readers without a byte position set this
        self._raw: BinaryIO | None = None

    def open(self) -> BinaryIO:
        """Open the file for reading, decompressing it if it is gzip."""
        handle = self._raw = self.path.open("rb")
        if handle.read(2) == b"\x1f\x8b":
            handle.seek(0)
            return gzip.GzipFile(fileobj=handle, mode="rb")  # type: ignore[return-value]
        handle.seek(0)
        return handle

    def fraction(self) -> float:
        """Return how much of the file has been read, from 0 to 1."""
        if self.done is not None:
            return self.done
        if self._raw is None or self._raw.closed:
            return 0.0
        return min(self._raw.tell() / self.size, 1.0)


def detect_format(path: Path) -> str:
    """Return the format name of `path`, or raise FileError saying what it looked like."""
    with path.open("rb") as raw:
        if raw.read(16) == b"SQLite format 3\x00":
            return "isso"
    try:
        with Source(path).open() as handle:
            head = handle.read(SNIFF_BYTES)
    except (OSError, EOFError) as exc:
        raise FileError(f"cannot read {path}: {exc}") from exc
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text.startswith("<"):
        if "<disqus" in text:
            return "disqus"
        if "<rss" in text and ("wordpress.org/export" in text or "<wp:" in text):
            return "wxr"
    if text.startswith("{"):
        if '"format"' in text[:200] and "threadkeeper" in text[:200]:
            return "json"
        try:
            first = json.loads(text.split("\n", 1)[0])
        except ValueError:
            first = None
        if isinstance(first, dict) and ({"version", "users"} <= first.keys() or "locator" in first):
            return "remark42"
    raise FileError(
        f"{path.name} is not a format this importer knows (WordPress WXR, Disqus XML, Isso "
        "SQLite, Remark42 backup, Threadkeeper JSON); name one with --format if it is"
    )
