"""Turn one source comment into the row to save and its history, repairing what it must."""

import ipaddress
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from django.conf import settings
from django.utils import timezone

from comments import sanitize
from comments.clientip import network_of
from comments.comment_rows import ImportedComment
from comments.conf import comments_setting
from comments.models import Kind
from comments.porting.records import HTML_SYSTEMS, SYSTEM_LABELS, SourceComment
from comments.porting.report import ImportReport
from comments.services import ImportedEvent
from comments.tokens import avatar_hash_keyed

ANONYMOUS = "Anonymous"
KINDS = frozenset(Kind.values)
# An export repeats the same authors, addresses and networks: each is worked out once
# per process (the avatar hash under the secret key of the time of the call).
_network_of = lru_cache(maxsize=8192)(network_of)
_avatar_hash = lru_cache(maxsize=8192)(avatar_hash_keyed)
_plain_name = lru_cache(maxsize=8192)(sanitize.plain_text)
_web_url = lru_cache(maxsize=8192)(sanitize.web_url_normalise)


@dataclass(frozen=True)
class Saved:
    """What a reply needs of its saved parent."""

    pk: int
    post_id: int
    depth: int
    path: str


def build_comment(
    source: SourceComment, *, post_id: int, parent: Saved | None, report: ImportReport
) -> tuple[ImportedComment, list[ImportedEvent]]:
    """Return the comment to save and its history (the file's own, or one "imported" event)."""
    email = _email(source, report)
    ip = _ip(source, report)
    comment = ImportedComment(
        post_id=post_id,
        parent_id=parent.pk if parent else None,
        depth=parent.depth + 1 if parent else 0,
        type=source.type if source.type in KINDS else Kind.COMMENT,
        author_name=_name(source, report),
        author_email=email,
        author_url=_url(source, report),
        avatar_hash=_avatar_hash(email, settings.SECRET_KEY) if email else "",
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
        parent_path=parent.path if parent else "",
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
    name = _plain_name(source.author_name)[:100]
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
    normalised = _web_url(url) if url else ""
    if url and (normalised is None or len(normalised) > 500):
        source.extra.setdefault("author_url", url)
        report.repair("author address not an http(s) URL (kept in the source fields)")
        return ""
    return normalised or ""


def _ip(source: SourceComment, report: ImportReport) -> str | None:
    value = source.ip_address.strip()
    if not value:
        return None
    address = _address(value)
    if address is None:
        source.extra.setdefault("ip_address", value)
        report.repair("IP address not valid (kept in the source fields)")
    return address


@lru_cache(maxsize=8192)
def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _created(source: SourceComment, report: ImportReport) -> datetime:
    if source.created_at is None:
        report.repair("no date (the time of the import used)")
        return timezone.now()
    return source.created_at
