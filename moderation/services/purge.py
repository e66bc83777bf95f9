"""Purge: one decision for every comment of an author (e-mail, address or network)."""

import ipaddress
from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import QuerySet

from comments.models import Comment, Status
from moderation.services.decisions import comment_decide

PURGE_ACTIONS: dict[str, str] = {"spam": Status.SPAM, "remove": Status.REMOVED}


def comments_purge(
    *,
    action: str,
    actor: User,
    author_email: str = "",
    ip_address: str = "",
    network: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> int:
    """Mark every matching comment spam or removed; return how many changed.

    Each changed comment is one decision in its history and teaches the scorer once (its
    learning task); comments already in that status are left as they are.
    """
    if action not in PURGE_ACTIONS:
        raise ValueError(f"unknown purge action {action!r}; expected one of {list(PURGE_ACTIONS)}")
    to = PURGE_ACTIONS[action]
    found = purge_targets(author_email=author_email, ip_address=ip_address, network=network)
    if since is not None:
        found = found.filter(created_at__gte=since)
    if until is not None:
        found = found.filter(created_at__lt=until)
    ids = list(found.exclude(status=to).order_by("pk").values_list("pk", flat=True))
    reason = f"moderator: purge ({action})"
    for pk in ids:
        comment_decide(comment_id=pk, to=to, actor=actor, reason=reason)
    return len(ids)


def purge_targets(
    *, author_email: str = "", ip_address: str = "", network: str = ""
) -> QuerySet[Comment]:
    """Return the comments of one author: by e-mail, by address, or within a network."""
    if author_email.strip():
        return Comment.objects.filter(author_email__iexact=author_email.strip())
    if ip_address:
        return Comment.objects.filter(ip_address=str(ipaddress.ip_address(ip_address)))
    if not network:
        raise ValueError("name an author_email, an ip_address or a network")
    net = ipaddress.ip_network(network, strict=False)
    standard = 24 if net.version == 4 else 64
    if net.prefixlen <= standard:  # whole /24s (/64s): anonymized comments still match
        stored = Comment.objects.exclude(ip_network="").values_list("ip_network", flat=True)
        inside = {n for n in set(stored) if _within(ipaddress.ip_network(n), net)}
        return Comment.objects.filter(ip_network__in=inside)
    rows = Comment.objects.filter(ip_address__isnull=False).values_list("pk", "ip_address")
    return Comment.objects.filter(
        pk__in=[pk for pk, ip in rows if ip and ipaddress.ip_address(ip) in net]
    )


def _within(inner: ipaddress.IPv4Network | ipaddress.IPv6Network, outer: object) -> bool:
    return inner.version == getattr(outer, "version", 0) and inner.subnet_of(outer)  # type: ignore[arg-type]
