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
from comments.porting.records import HTML_SYSTEMS, SYSTEM_LABELS, Cleaned, SourceComment
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
    source: SourceComment,
    *,
    post_id: int,
    parent: Saved | None,
    report: ImportReport,
    now: datetime | None = None,
) -> tuple[ImportedComment, list[ImportedEvent]]:
    """Return the comment to save and its history (the file's own, or one "imported" event).

    `now` is the time of the import (one per batch: a history row's time is then prepared
    for the database once per batch, not per comment).
    """
    now = now or timezone.now()
    cleaned = source.cleaned or clean(source)
    for repair in cleaned.repairs:
        report.repair(repair)
    comment = ImportedComment(
        post_id=post_id,
        parent_id=parent.pk if parent else None,
        depth=parent.depth + 1 if parent else 0,
        type=source.type if source.type in KINDS else Kind.COMMENT,
        author_name=cleaned.author_name,
        author_email=cleaned.author_email,
        author_url=cleaned.author_url,
        avatar_hash=cleaned.avatar_hash,
        body_source=source.body,
        body_html=cleaned.body_html,
        status=source.status,
        ip_address=cleaned.ip_address,
        ip_network=cleaned.ip_network,
        user_agent=source.user_agent[:500],
        created_at=_created(source, report, now),
        edited_at=source.edited_at,
        source_system=source.system,
        source_id=source.id[:200],
        source_status=source.original_status[:50],
        source_parent=source.parent[:200],
        source_post=(source.original_post or source.thread)[:500],
        source_extra=source.extra,
        parent_path=parent.path if parent else "",
    )
    return comment, source.history or [_imported_event(source, now)]


def clean(source: SourceComment) -> Cleaned:
    """Return the values of the row that depend on the comment alone, and the repairs made.

    Pure (settings aside): a reader in another process may call it, and the repairs are
    reported when the comment is saved, as for a comment cleaned here.
    """
    repairs: list[str] = []
    email = _email(source, repairs)
    ip = _ip(source, repairs)
    return Cleaned(
        author_name=_name(source, repairs),
        author_email=email,
        author_url=_url(source, repairs),
        avatar_hash=_avatar_hash(email, settings.SECRET_KEY) if email else "",
        body_html=render_body(source),
        ip_address=ip,
        ip_network=_network_of(ip),
        repairs=tuple(repairs),
    )


def render_body(source: SourceComment) -> str:
    """Sanitize the body as any comment is: HTML exports as HTML, the others as Markdown."""
    backend = comments_setting("SANITIZER")
    if source.system in HTML_SYSTEMS:
        return sanitize.render_html_comment(source.body, backend=backend)
    return sanitize.render_comment(source.body, backend=backend)


def _imported_event(source: SourceComment, now: datetime) -> ImportedEvent:
    label = SYSTEM_LABELS.get(source.system, source.system)
    return ImportedEvent(
        at=now,
        to_status=source.status,
        reason=f"imported from {label} (id {source.id}, status {source.original_status!r})",
    )


def _name(source: SourceComment, repairs: list[str]) -> str:
    name = _plain_name(source.author_name)[:100]
    if not name:
        repairs.append(f"no author name ({ANONYMOUS!r} used)")
    return name or ANONYMOUS


def _email(source: SourceComment, repairs: list[str]) -> str:
    email = source.author_email.strip()
    if email and not _email_valid(email):
        source.extra.setdefault("author_email", email)
        repairs.append("e-mail address not valid (kept in the source fields)")
        return ""
    return email


@lru_cache(maxsize=8192)
def _email_valid(email: str) -> bool:
    return "@" in email and len(email) <= 254 and not any(ch.isspace() for ch in email)


def _url(source: SourceComment, repairs: list[str]) -> str:
    """Return the website as a submit stores it (percent-encoded), or "" when it is none."""
    url = source.author_url.strip()
    normalised = _web_url(url) if url else ""
    if url and (normalised is None or len(normalised) > 500):
        source.extra.setdefault("author_url", url)
        repairs.append("author address not an http(s) URL (kept in the source fields)")
        return ""
    return normalised or ""


def _ip(source: SourceComment, repairs: list[str]) -> str | None:
    value = source.ip_address.strip()
    if not value:
        return None
    address = _address(value)
    if address is None:
        source.extra.setdefault("ip_address", value)
        repairs.append("IP address not valid (kept in the source fields)")
    return address


@lru_cache(maxsize=8192)
def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _created(source: SourceComment, report: ImportReport, now: datetime) -> datetime:
    if source.created_at is None:
        report.repair("no date (the time of the import used)")
        return now
    return source.created_at
