"""What every reader yields: threads and comments in the source's own terms."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from comments.services import ImportedEvent

# Systems whose comment bodies are HTML; the others write Markdown.
HTML_SYSTEMS = frozenset({"wordpress", "disqus"})
SYSTEM_LABELS = {
    "wordpress": "WordPress",
    "disqus": "Disqus",
    "isso": "Isso",
    "remark42": "Remark42",
    "threadkeeper": "a Threadkeeper export",
}


class FileError(Exception):
    """The file cannot be read (further): what is wrong, where, and what to do."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        where = f"line {line}: " if line is not None else ""
        super().__init__(where + message)
        self.line = line


@dataclass
class SourceThread:
    """A page that comments belong to, as the export describes it."""

    key: str
    title: str = ""
    url: str = ""
    slug: str = ""
    wordpress_id: str = ""
    published_at: datetime | None = None
    content: str = ""
    open: bool = True


class Cleaned(NamedTuple):
    """What of a comment's row depends on the comment alone (`build.clean`): worked out
    where the file is read, possibly in another process, and the repairs it needed, which
    count only once the comment is saved."""

    author_name: str
    author_email: str
    author_url: str
    avatar_hash: str
    body_html: str
    ip_address: str | None
    ip_network: str
    repairs: tuple[str, ...]


@dataclass
class SourceComment:
    """One comment as the export holds it; `status` is ours, `original_status` theirs."""

    system: str
    id: str
    thread: str
    status: str
    original_status: str
    known_status: bool = True
    parent: str = ""
    type: str = "comment"
    author_name: str = ""
    author_email: str = ""
    author_url: str = ""
    ip_address: str = ""
    user_agent: str = ""
    created_at: datetime | None = None
    edited_at: datetime | None = None
    body: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    # A Threadkeeper export carries the history to restore; other formats get one event.
    history: list[ImportedEvent] | None = None
    # The parent's (system, id) when it is not (system, parent); () for none at all.
    link: tuple[str, ...] | None = None
    # Where the source said the comment belonged, when that is not `thread`.
    original_post: str = ""
    # Its cleaned values, when the reader worked them out already.
    cleaned: Cleaned | None = None

    def parent_key(self) -> tuple[str, str] | None:
        """Return the (system, id) of the parent to attach this comment to, if any."""
        if self.link is not None:
            return (self.link[0], self.link[1]) if self.link else None
        return (self.system, self.parent) if self.parent else None


Record = SourceThread | SourceComment
