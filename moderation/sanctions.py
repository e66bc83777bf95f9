"""Bans: create them, keep banned authors out at submit time, and ban repeat spammers
(moderators are told of an automatic ban by mail, as of a held comment).

`ban_guard` is listed in COMMENTS["SUBMIT_GUARDS"]: the submit path asks it (one query)
without `comments` importing moderation. A `block` ban refuses the submit with a 403; a
`shadow` ban lets it through as spam, which its author alone sees, as awaiting moderation.
"""

import ipaddress
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from comments.clientip import network_of
from comments.guard import Submission, SubmitForbidden
from comments.models import Comment, CommentEvent, Status
from comments.notify.render import site_url
from moderation.conf import moderation_setting
from moderation.models import Ban

logger = logging.getLogger(__name__)

WHO: dict[str, str] = {
    Ban.Kind.EMAIL: "your e-mail address",
    Ban.Kind.USER: "your account",
    Ban.Kind.IP: "your address",
    Ban.Kind.NETWORK: "your network",
}


class BanInvalid(ValueError):
    """A ban's value that cannot be understood for its kind; `field` names the input."""

    def __init__(self, message: str, *, field: str = "value") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def ban_create(
    *,
    kind: str,
    value: str,
    mode: str = Ban.Mode.BLOCK,
    reason: str = "",
    expires_at: datetime | None = None,
    actor: User | None = None,
    cause: str = "",
) -> Ban:
    """Ban an author by `kind` (email, user, ip, network); raise BanInvalid for a bad value."""
    if kind not in Ban.Kind.values:
        raise BanInvalid(f"Choose a kind among: {', '.join(Ban.Kind.values)}.", field="kind")
    if mode not in Ban.Mode.values:
        raise BanInvalid(f"Choose a mode among: {', '.join(Ban.Mode.values)}.", field="mode")
    normalized, user = ban_value(kind, value)
    return Ban.objects.create(
        kind=kind,
        value=normalized,
        user=user,
        mode=mode,
        reason=reason[:500],
        expires_at=expires_at,
        created_by=actor,
        cause=cause[:500],
    )


def ban_value(kind: str, value: str) -> tuple[str, User | None]:
    """Return the stored form of `value` for `kind` (and the user of a user ban)."""
    value = value.strip()
    if kind == Ban.Kind.EMAIL:
        if "@" not in value:
            raise BanInvalid("Enter an e-mail address, such as someone@example.org.")
        return value.lower(), None
    if kind == Ban.Kind.USER:
        user = User.objects.filter(username=value).first()
        if user is None:
            raise BanInvalid(f"There is no user named {value!r}.")
        return user.get_username(), user
    try:
        if kind == Ban.Kind.IP:
            return str(ipaddress.ip_address(value)), None
        if "/" not in value:
            return network_of(str(ipaddress.ip_address(value))), None
        return str(ipaddress.ip_network(value, strict=False)), None
    except ValueError:
        example = "203.0.113.7" if kind == Ban.Kind.IP else "203.0.113.0/24 or 2001:db8::/64"
        raise BanInvalid(f"{value!r} is not an IP {kind}; for example {example}.") from None


def ban_guard(submission: Submission) -> str | None:
    """Refuse a blocked author (403); return a spam reason for a shadow-banned one."""
    ban = ban_matching(
        email=submission.author_email, ip=submission.ip_address, user_id=submission.user_id
    )
    if ban is None:
        return None
    if ban.mode == Ban.Mode.SHADOW:
        return f"shadow ban #{ban.pk} ({ban.kind}){': ' + ban.reason if ban.reason else ''}"
    until = f" until {ban.expires_at:%Y-%m-%d %H:%M} UTC" if ban.expires_at else ""
    raise SubmitForbidden(
        f"This site does not accept comments from {WHO[ban.kind]}{until}. "
        "If you think this is a mistake, please contact the site's owner."
    )


def ban_matching(*, email: str, ip: str | None, user_id: int | None) -> Ban | None:
    """Return the ban in force on this author, a block before a shadow, in one query.

    Every submit asks, and almost always for nothing: the match is one plain statement
    (the ORM took longer to build it, with a network per prefix length, than the database
    took to answer), and the ban itself is read only when there is one.
    """
    matches: list[tuple[str, str, Sequence[str | int]]] = [
        (Ban.Kind.EMAIL, "value", [email.strip().lower()])
    ]
    if user_id is not None:
        matches.append((Ban.Kind.USER, "user_id", [user_id]))
    if ip:
        matches.append((Ban.Kind.IP, "value", [ip]))
    if ip and _networks(ip):  # none for a value that is not an address
        matches.append((Ban.Kind.NETWORK, "value", _networks(ip)))
    q = connection.ops.quote_name
    params: list[Any] = [connection.ops.adapt_datetimefield_value(timezone.now())]
    alternatives = []
    for kind, column, values in matches:
        marks = ", ".join(["%s"] * len(values))
        alternatives.append(f"({q('kind')} = %s AND {q(column)} IN ({marks}))")
        params += [str(kind), *values]
    # Names come from the model and are quoted; every value is a parameter.
    sql = (
        f"SELECT {q('id')} FROM {q(Ban._meta.db_table)} "  # noqa: S608
        f"WHERE ({q('expires_at')} IS NULL OR {q('expires_at')} > %s) "
        f"AND ({' OR '.join(alternatives)}) "
        f"ORDER BY {q('mode')}, {q('created_at')} DESC LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else Ban.objects.filter(pk=row[0]).first()


@lru_cache(maxsize=1024)
def _networks(ip: str) -> tuple[str, ...]:
    """Every network that contains `ip`, written as bans store them (a few dozen strings).

    Remembered per address: building them costs more than the ban query itself, and the
    same readers come back.
    """
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ()
    return tuple(
        str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
        for prefix in range(address.max_prefixlen + 1)
    )


@dataclass(frozen=True)
class AutoBanRule:
    """The automatic follow-up in effect: `after` spam decisions within `window`."""

    after: int
    window: timedelta
    days: int | None

    def describe(self) -> str:
        length = f"{self.days}-day" if self.days else "lasting"
        days = self.window.total_seconds() / 86400
        return (
            f"after {self.after} moderators' spam decisions for one e-mail or network within "
            f"{days:g} days, a {length} shadow ban"
        )


def auto_ban_rule() -> AutoBanRule | None:
    """Return the automatic follow-up the settings turn on, or None when it is off."""
    after = moderation_setting("AUTO_BAN_AFTER_SPAM")
    if not after:
        return None
    window = timedelta(seconds=moderation_setting("AUTO_BAN_WINDOW_SECONDS"))
    return AutoBanRule(after=int(after), window=window, days=moderation_setting("AUTO_BAN_DAYS"))


def bans_follow_up(*, comment_id: int) -> list[Ban]:
    """Shadow-ban the comment's e-mail and network when their spam decisions reach the rule.

    Runs in the worker after a moderator marks a comment spam. Safe to run twice: a key
    with a ban in force is left alone, and a short claim in the cache keeps two workers
    from banning the same key at once.
    """
    rule = auto_ban_rule()
    comment = Comment.objects.filter(pk=comment_id, status=Status.SPAM).first()
    if rule is None or comment is None:
        return []
    keys = [(Ban.Kind.EMAIL, comment.author_email.strip().lower(), "author_email__iexact")]
    if comment.ip_network:
        keys.append((Ban.Kind.NETWORK, comment.ip_network, "ip_network"))
    made = []
    for kind, value, lookup in keys:
        ban = _auto_ban(rule, kind, value, Q(**{f"comment__{lookup}": value}))
        if ban is not None:
            made.append(ban)
    return made


def _auto_ban(rule: AutoBanRule, kind: str, value: str, match: Q) -> Ban | None:
    since = timezone.now() - rule.window
    decided = CommentEvent.objects.filter(
        match, to_status=Status.SPAM, actor__isnull=False, created_at__gte=since
    )
    count = decided.values("comment_id").distinct().count()
    if count < rule.after or Ban.objects.active().filter(kind=kind, value=value).exists():
        return None
    if not cache.add(f"moderation:autoban:{kind}:{value}", 1, timeout=60):
        return None
    days = rule.window.total_seconds() / 86400
    ban = ban_create(
        kind=kind,
        value=value,
        mode=Ban.Mode.SHADOW,
        reason="automatic follow-up",
        expires_at=timezone.now() + timedelta(days=rule.days) if rule.days else None,
        cause=f"{count} spam decisions for this {kind} in {days:g} days",
    )
    logger.warning("automatic shadow ban #%s on a %s: %s", ban.pk, kind, ban.cause)
    page = site_url(reverse("admin:moderation_ban_change", args=[ban.pk]))
    from moderation.alerts import alert_moderators  # alerts import the services: no cycle

    alert_moderators(
        key=f"autoban:{ban.pk}",
        subject=f"Automatic shadow ban on a {kind}",
        text=(
            f"A {kind} was shadow-banned automatically: {ban.cause}.\n"
            f"Banned: {value}\nUntil: {ban.expires_at or 'lifted by a moderator'}\n"
            f"Review or lift it: {page}\n"
        ),
    )
    return ban
