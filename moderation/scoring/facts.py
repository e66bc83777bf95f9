"""Gather the `Facts` the signals look at, from a comment and the database."""

import ipaddress
import re
from html import unescape

from comments.models import Comment
from moderation.models import BlockRule, Reputation
from moderation.scoring import Facts
from moderation.scoring.rules import domain_matches, domain_of, word_matches

_HREF = re.compile(r'href="([^"]+)"')
_TAG = re.compile(r"<[^>]+>")
_BARE_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


def facts_for(comment: Comment) -> Facts:
    """Return what the signals need to know about `comment`, in a handful of queries."""
    text = unescape(_TAG.sub(" ", comment.body_html))
    urls = tuple(_urls_in(comment.body_html, text))
    if comment.author_url:
        urls += (comment.author_url,)
    domains = sorted({d for d in map(domain_of, urls) if d})
    reputation = _reputation(comment, domains)
    email = comment.author_email.lower()
    return Facts(
        text=text,
        html=comment.body_html,
        author_name=comment.author_name,
        author_email=email,
        author_url=comment.author_url,
        link_urls=urls,
        is_staff=bool(comment.user_id and comment.user and comment.user.is_staff),
        approved_by_author=reputation.get(("email", email), (0, 0))[1],
        spam_by_author=reputation.get(("email", email), (0, 0))[0],
        spam_by_ip=reputation.get(("ip", comment.ip_address or ""), (0, 0))[0],
        spam_by_network=reputation.get(("network", comment.ip_network), (0, 0))[0],
        ham_by_network=reputation.get(("network", comment.ip_network), (0, 0))[1],
        spam_link_domains=tuple(d for d in domains if reputation.get(("domain", d), (0, 1))[0]
                                > reputation.get(("domain", d), (0, 0))[1]),
        blocked=_blocked(comment, text, domains),
    )


def reputation_keys(comment: Comment) -> list[tuple[str, str]]:
    """Return the (kind, key) pairs a moderator's decision on `comment` teaches about."""
    urls = [*_urls_in(comment.body_html, unescape(_TAG.sub(" ", comment.body_html))),
            comment.author_url]
    keys = [("email", comment.author_email.lower())]
    if comment.ip_address:
        keys += [("ip", comment.ip_address), ("network", comment.ip_network)]
    keys += [("domain", d) for d in sorted({domain_of(u) for u in urls if u}) if d]
    return keys


def _urls_in(html: str, text: str) -> list[str]:
    """Links in the comment: hrefs, and bare addresses the linkifier did not recognise."""
    urls = [unescape(u) for u in _HREF.findall(html)]
    return urls + [u for u in _BARE_URL.findall(text) if u not in urls]


def _reputation(comment: Comment, domains: list[str]) -> dict[tuple[str, str], tuple[int, int]]:
    wanted = set(reputation_keys(comment)) | {("domain", d) for d in domains}
    rows = Reputation.objects.filter(key__in={k for _, k in wanted}).values_list(
        "kind", "key", "spam", "ham"
    )
    return {(kind, key): (spam, ham) for kind, key, spam, ham in rows if (kind, key) in wanted}


def _blocked(comment: Comment, text: str, domains: list[str]) -> tuple[tuple[str, str, str], ...]:
    hits = []
    for rule in BlockRule.objects.all():
        if _rule_hits(rule, comment, text, domains):
            hits.append((rule.kind, rule.pattern, rule.action))
    return tuple(hits)


def _rule_hits(rule: BlockRule, comment: Comment, text: str, domains: list[str]) -> bool:
    if rule.kind == BlockRule.Kind.WORD:
        return word_matches(rule.pattern, f"{comment.author_name} {text}")
    if rule.kind == BlockRule.Kind.DOMAIN:
        return any(domain_matches(rule.pattern, d) for d in domains)
    if rule.kind == BlockRule.Kind.EMAIL:
        return domain_matches(rule.pattern.lower(), comment.author_email.lower())
    return _ip_in(comment.ip_address, rule.pattern)


def _ip_in(ip: str | None, pattern: str) -> bool:
    try:
        return bool(ip) and ipaddress.ip_address(ip) in ipaddress.ip_network(pattern, strict=False)
    except ValueError:
        return False
