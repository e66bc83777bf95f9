"""What earlier moderator decisions say about an author, address, network or link domain. Pure.

Reputation is a table of ``(kind, key) -> (spam, ham)`` counts, kinds ``email``, ``ip``,
``network`` (the /24 or /64 around the IP) and ``domain`` (a linked host). The database
keeps it in ``moderation.Reputation``; the benchmark keeps it in a dict. Both turn it into
`Facts` fields through `reputation_fields`, so they score the same way.
"""

from collections.abc import Iterable, Mapping
from typing import Any

Counts = Mapping[tuple[str, str], tuple[int, int]]


def reputation_keys(
    *, email: str, ip: str | None, network: str, domains: Iterable[str]
) -> list[tuple[str, str]]:
    """Return the (kind, key) pairs a decision about such a comment teaches about."""
    keys = [("email", email.lower())] if email else []
    if ip:
        keys.append(("ip", ip))
    if network:
        keys.append(("network", network))
    keys += [("domain", d) for d in sorted(set(domains)) if d]
    return keys


def reputation_fields(
    counts: Counts, *, email: str, ip: str | None, network: str, domains: Iterable[str]
) -> dict[str, Any]:
    """Return the `Facts` keyword arguments that reputation `counts` give such a comment."""
    author = counts.get(("email", email.lower()), (0, 0))
    net = counts.get(("network", network), (0, 0)) if network else (0, 0)
    spam_domains = tuple(
        d
        for d in sorted(set(domains))
        if d and (rep := counts.get(("domain", d), (0, 0)))[0] > rep[1]
    )
    return {
        "spam_by_author": author[0],
        "approved_by_author": author[1],
        "spam_by_ip": counts.get(("ip", ip), (0, 0))[0] if ip else 0,
        "spam_by_network": net[0],
        "ham_by_network": net[1],
        "spam_link_domains": spam_domains,
    }


def reputation_learn(
    counts: dict[tuple[str, str], tuple[int, int]],
    keys: Iterable[tuple[str, str]],
    *,
    is_spam: bool,
    step: int = 1,
) -> None:
    """Add (or with step -1 remove) one decision to in-memory reputation `counts`."""
    for key in keys:
        spam, ham = counts.get(key, (0, 0))
        counts[key] = (spam + step, ham) if is_spam else (spam, ham + step)
