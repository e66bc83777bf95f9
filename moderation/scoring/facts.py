"""Gather the `Facts` the signals look at, from a comment and the database."""

import functools
import ipaddress
import re
from collections.abc import Sequence
from datetime import timedelta
from html import unescape
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.urls import get_script_prefix
from django.utils import timezone

from blog.models import Post
from comments.models import Comment
from moderation.calibration import page_prefixes
from moderation.models import BlockRule, Lesson, Reputation
from moderation.scoring import Facts
from moderation.scoring.reputation import reputation_fields
from moderation.scoring.reputation import reputation_keys as keys_for
from moderation.scoring.rules import domain_matches, domain_of, word_matches
from moderation.scoring.store import link_decisions_current, model_current

_HREF = re.compile(r'href="([^"]+)"')
_TAG = re.compile(r"<[^>]+>")
_BARE_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


def facts_for(comment: Comment, *, with_model: bool = True) -> Facts:
    """Return what the signals need to know about `comment`, in a handful of queries."""
    text = _visible_text(comment.body_html)
    urls = tuple(_urls_in(comment.body_html, text))
    domains = _domains(comment, urls)
    counts = _reputation(_keys(comment, domains))
    hits = _blocked(comment, text, domains)
    email = comment.author_email.lower()
    network_spam = counts.get(("network", comment.ip_network), (0, 0))[0]
    model = model_current() if with_model else None
    # Read by the model's stamp query just made: no statement of its own.
    link_spam, link_ham = link_decisions_current(recent=True) if with_model else (0, 0)
    return Facts(
        text=text,
        raw=comment.body_source,
        html=comment.body_html,
        author_name=comment.author_name,
        author_email=email,
        author_url=comment.author_url,
        link_urls=urls,
        is_staff=bool(comment.user_id and comment.user and comment.user.is_staff),
        # Only a network with spam on record can have had spam this week: skip the query.
        spam_by_network_week=_network_spam_this_week(comment.ip_network) if network_spam else 0,
        ip_network=comment.ip_network,
        blocked=tuple(hit[:3] for hit in hits),
        alerting=frozenset((kind, pattern) for kind, pattern, _, alert in hits if alert),
        model=model,
        own_urls=own_pages(comment),
        without_form_token=comment.sent_without_form_token,
        link_spam_by_moderators=link_spam,
        link_ham_by_moderators=link_ham,
        extra={"comment": comment},
        **reputation_fields(
            counts, email=email, ip=comment.ip_address, network=comment.ip_network, domains=domains
        ),
    )


def own_pages(comment: Comment) -> tuple[str, ...]:
    """Return the post's own addresses: a link back to it is a reference, not promotion."""
    post = comment.post
    if post.url.startswith(("http://", "https://")):
        return page_prefixes(post.url)
    return _pages_here(
        post.slug, tuple(settings.ALLOWED_HOSTS), settings.ROOT_URLCONF, get_script_prefix()
    )


@functools.lru_cache(maxsize=1024)
def _pages_here(
    slug: str, allowed_hosts: tuple[str, ...], urlconf: str, prefix: str
) -> tuple[str, ...]:
    """The post's addresses on this site's hosts: the same for every comment it gets, and
    reverse() costs more than all the rest of `own_pages` (the URL settings are the key)."""
    path = Post(slug=slug).get_absolute_url()
    hosts = [h.lstrip(".") for h in allowed_hosts if h and "*" not in h]
    return tuple(p for host in hosts for p in page_prefixes(f"{host}{path}"))


def reputation_keys(comment: Comment) -> list[tuple[str, str]]:
    """Return the (kind, key) pairs a moderator's decision on `comment` teaches about."""
    urls = _urls_in(comment.body_html, _visible_text(comment.body_html))
    return _keys(comment, _domains(comment, urls))


def _keys(comment: Comment, domains: list[str]) -> list[tuple[str, str]]:
    return keys_for(
        email=comment.author_email,
        ip=comment.ip_address,
        network=comment.ip_network,
        domains=domains,
    )


def _visible_text(html: str) -> str:
    return unescape(_TAG.sub(" ", html))


def _domains(comment: Comment, urls: "tuple[str, ...] | list[str]") -> list[str]:
    found = {domain_of(u) for u in [*urls, comment.author_url] if u}
    return sorted(d for d in found if d)


def _urls_in(html: str, text: str) -> list[str]:
    """Links in the comment: hrefs, and bare addresses the linkifier did not recognise."""
    urls = [unescape(u) for u in _HREF.findall(html)]
    return urls + [u for u in _BARE_URL.findall(text) if u not in urls]


def _reputation(keys: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[int, int]]:
    wanted = set(keys)
    values = sorted({key for _, key in wanted})
    if not values:
        return {}
    table = _table(Reputation)
    marks = ", ".join(["%s"] * len(values))
    rows = _rows(
        f"SELECT {_q('kind')}, {_q('key')}, {_q('spam')}, {_q('ham')} FROM {table}"  # noqa: S608
        f" WHERE {_q('key')} IN ({marks})",
        values,
    )
    return {(kind, key): (spam, ham) for kind, key, spam, ham in rows if (kind, key) in wanted}


def _network_spam_this_week(network: str) -> int:
    if not network:
        return 0
    since = timezone.now() - timedelta(days=7)
    return Lesson.objects.filter(
        label="spam", learned_at__gte=since, comment__ip_network=network
    ).count()


def _blocked(comment: Comment, text: str, domains: list[str]) -> list[tuple[str, str, str, bool]]:
    """Return (kind, pattern, action, alert) of each blocklist rule the comment matches."""
    rules = _rows(
        f"SELECT {_q('kind')}, {_q('pattern')}, {_q('action')}, {_q('alert')}"  # noqa: S608
        f" FROM {_table(BlockRule)} ORDER BY {_q('kind')}, {_q('pattern')}"  # as Meta.ordering
    )
    return [
        (kind, pattern, action, bool(alert))
        for kind, pattern, action, alert in rules
        if _rule_hits(kind, pattern, comment, text, domains)
    ]


def _rule_hits(kind: str, pattern: str, comment: Comment, text: str, domains: list[str]) -> bool:
    if kind == BlockRule.Kind.WORD:
        return word_matches(pattern, f"{comment.author_name} {text}")
    if kind == BlockRule.Kind.DOMAIN:
        return any(domain_matches(pattern, d) for d in domains)
    if kind == BlockRule.Kind.EMAIL:
        return domain_matches(pattern.lower(), comment.author_email.lower())
    return _ip_in(comment.ip_address, pattern)


# Reputation and the blocklist are read for every comment scored: as plain statements, which
# the database answers in less time than Django takes to compile the same queryset. Table
# and column names come from the models, quoted; every value is a parameter.
def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model: type[models.Model]) -> str:
    return _q(model._meta.db_table)


def _rows(sql: str, params: Sequence[str] = ()) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


def _ip_in(ip: str | None, pattern: str) -> bool:
    try:
        return ip is not None and ipaddress.ip_address(ip) in ipaddress.ip_network(
            pattern, strict=False
        )
    except ValueError:
        return False
