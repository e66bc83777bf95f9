"""Turn one source comment into an unsaved `Comment` and its history, repairing what it must."""

import ipaddress
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from django.utils import timezone

from comments import sanitize
from comments.clientip import network_of
from comments.conf import comments_setting
from comments.models import Comment, Kind
from comments.porting.records import HTML_SYSTEMS, SYSTEM_LABELS, SourceComment
from comments.porting.report import ImportReport
from comments.services import ImportedEvent
from comments.tokens import avatar_hash

ANONYMOUS = "Anonymous"
KINDS = frozenset(Kind.values)
# An export repeats the same networks: each is worked out once per process.
_network_of = lru_cache(maxsize=8192)(network_of)


@dataclass(frozen=True)
class Saved:
    """What a reply needs of its saved parent."""

    pk: int
    post_id: int
    depth: int


def build_comment(
    source: SourceComment, *, post_id: int, parent: Saved | None, report: ImportReport
) -> tuple[Comment, list[ImportedEvent]]:
    """Return the comment to save and its history (the file's own, or one "imported" event)."""
    email = _email(source, report)
    ip = _ip(source, report)
    comment = Comment(
        post_id=post_id,
        parent_id=parent.pk if parent else None,
        depth=parent.depth + 1 if parent else 0,
        type=source.type if source.type in KINDS else Kind.COMMENT,
        author_name=_name(source, report),
        author_email=email,
        author_url=_url(source, report),
        avatar_hash=avatar_hash(email) if email else "",
        body_source=source.body,
        body_html=render_body(source),
        status=source.status,
        ip_address=ip,
        ip_network=_network_of(ip),
        user_agent=source.user_agent[:500],
        created_at=_created(source, report),
        edited_at=source.edited_at,
        source_system=source.system,
        source_id=source.id[:200],
        source_status=source.original_status[:50],
        source_parent=source.parent[:200],
        source_post=(source.original_post or source.thread)[:500],
        source_extra=source.extra,
    )
    return comment, source.history or [_imported_event(source)]


def render_body(source: SourceComment) -> str:
    """Sanitize the body as any comment is: HTML exports as HTML, the others as Markdown."""
    backend = comments_setting("SANITIZER")
    if source.system in HTML_SYSTEMS:
        return sanitize.render_html_comment(source.body, backend=backend)
    return sanitize.render_comment(source.body, backend=backend)


def _imported_event(source: SourceComment) -> ImportedEvent:
    label = SYSTEM_LABELS.get(source.system, source.system)
    return ImportedEvent(
        at=timezone.now(),
        to_status=source.status,
        reason=f"imported from {label} (id {source.id}, status {source.original_status!r})",
    )


def _name(source: SourceComment, report: ImportReport) -> str:
    name = sanitize.plain_text(source.author_name)[:100]
    if not name:
        report.repair(f"no author name ({ANONYMOUS!r} used)")
    return name or ANONYMOUS


def _email(source: SourceComment, report: ImportReport) -> str:
    email = source.author_email.strip()
    if email and ("@" not in email or len(email) > 254 or any(ch.isspace() for ch in email)):
        source.extra.setdefault("author_email", email)
        report.repair("e-mail address not valid (kept in the source fields)")
        return ""
    return email


def _url(source: SourceComment, report: ImportReport) -> str:
    """Return the website as a submit stores it (percent-encoded), or "" when it is none."""
    url = source.author_url.strip()
    normalised = sanitize.web_url_normalise(url) if url else ""
    if url and (normalised is None or len(normalised) > 500):
        source.extra.setdefault("author_url", url)
        report.repair("author address not an http(s) URL (kept in the source fields)")
        return ""
    return normalised or ""


def _ip(source: SourceComment, report: ImportReport) -> str | None:
    value = source.ip_address.strip()
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        source.extra.setdefault("ip_address", value)
        report.repair("IP address not valid (kept in the source fields)")
        return None


def _created(source: SourceComment, report: ImportReport) -> datetime:
    if source.created_at is None:
        report.repair("no date (the time of the import used)")
        return timezone.now()
    return source.created_at
