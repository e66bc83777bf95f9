"""Rule signals: small functions over `Facts`, each returning a weighted, readable finding.

Pure: no Django, no Celery. Weights are log-odds (see `moderation.scoring`).
"""

import fnmatch
import re
from urllib.parse import urlsplit

from moderation.scoring import Facts, Finding

SHORTENERS = frozenset(
    {"bit.ly", "goo.gl", "tinyurl.com", "t.co", "ow.ly", "is.gd", "buff.ly", "rebrand.ly",
     "cutt.ly", "shorturl.at", "tiny.cc", "rb.gy", "bitly.com", "adf.ly", "youtu.be"}
)


def domain_of(url: str) -> str:
    """Return the lower-case host of `url` without a leading 'www.', or ''."""
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.")


def links(facts: Facts) -> Finding | None:
    """Many links, or mostly links and little text, is how link spam looks."""
    count = len(facts.link_urls)
    if count == 0:
        return None
    words = max(len(facts.text.split()), 1)
    weight = 0.8 * min(count, 5) + (1.0 if count / words > 0.2 else 0.0)
    return Finding(weight, f"{count} link{'s' if count != 1 else ''}")


def shorteners(facts: Facts) -> Finding | None:
    """URL shorteners hide where a link goes."""
    found = sorted({d for d in map(domain_of, facts.link_urls) if d in SHORTENERS})
    if not found:
        return None
    return Finding(1.5, f"URL shortener: {', '.join(found)}")


def spam_link_domains(facts: Facts) -> Finding | None:
    """Links to domains that moderators already marked spam."""
    if not facts.spam_link_domains:
        return None
    return Finding(3.0, f"links to a domain seen in spam: {', '.join(facts.spam_link_domains)}")


def author_history(facts: Facts) -> Finding | None:
    """An author with approved comments is trusted; one with spam is not."""
    if facts.spam_by_author:
        return Finding(2.5 + 0.5 * min(facts.spam_by_author, 4),
                       f"author had {facts.spam_by_author} comment(s) marked spam")
    if facts.is_staff:
        return Finding(-6.0, "staff member")
    if facts.approved_by_author:
        return Finding(-1.0 - 0.5 * min(facts.approved_by_author, 6),
                       f"author has {facts.approved_by_author} approved comment(s)")
    return None


def ip_history(facts: Facts) -> Finding | None:
    """Spam from the same address, or the same /24 (IPv4) or /64 (IPv6) network."""
    if facts.spam_by_ip:
        return Finding(2.0 + 0.3 * min(facts.spam_by_ip, 5),
                       f"IP address had {facts.spam_by_ip} spam comment(s)")
    if facts.spam_by_network > facts.ham_by_network:
        return Finding(1.0, f"network (/24 or /64) had {facts.spam_by_network} spam comment(s)")
    return None


def blocklist(facts: Facts) -> list[Finding]:
    """Entries from the operator's blocklist (words with * wildcards, domains, e-mails, IPs)."""
    findings = []
    for kind, pattern, action in facts.blocked:
        weight = 6.0 if action == "spam" else 2.0
        findings.append(Finding(weight, f"blocklisted {kind}: {pattern}", force=action))
    return findings


def word_matches(pattern: str, text: str) -> bool:
    """Whether the blocklisted word or phrase (`*` = any letters) occurs in `text` as words."""
    words = [re.escape(part).replace(r"\*", r"\w*") for part in pattern.lower().split()]
    if not words:
        return False
    return re.search(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", text.lower()) is not None


def domain_matches(pattern: str, domain: str) -> bool:
    """Whether `domain` is the blocked domain or one of its subdomains (`*` allowed)."""
    pattern = pattern.lower().removeprefix("www.")
    return domain == pattern or domain.endswith("." + pattern) or fnmatch.fnmatch(domain, pattern)
