"""Rule signals: small functions over `Facts`, each returning a weighted, readable finding.

Pure: no Django, no Celery. Weights are log-odds (see `moderation.scoring`). The text
weights below (classifier, links, shorteners, self-promotion, engagement bait, length,
capitals) and the prior are only the defaults a site scores with before `train_spam`:
train_spam refits a factor on each of them and the prior from the site's own labelled
comments (`moderation.scoring.fit`), and the benchmark refits them inside every fold. The
reputation weights are set by hand, conservatively, since no public corpus carries
moderator history.
"""

import fnmatch
import functools
import math
import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from moderation import rates
from moderation.scoring import Facts, Finding
from moderation.scoring import classifier as bayes
from moderation.scoring import text as textmod

# youtu.be is left out: readers share videos with it all the time.
SHORTENERS = frozenset(
    {
        *("bit.ly", "goo.gl", "tinyurl.com", "t.co", "ow.ly", "is.gd", "adf.ly", "tiny.cc"),
        *("bit.do", "buff.ly", "cutt.ly", "rebrand.ly", "shorturl.at", "linkbucks.com"),
        *("adfoc.us", "sh.st", "rb.gy", "bitly.com"),
    }
)
# Asking readers to like, share or subscribe: engagement bait, whatever the topic.
ENGAGEMENT_BAIT = re.compile(
    r"\b(?:like this comment|thumbs up if|like if"
    r"|(?:please |plz |pls )?(?:subscribe|sub|like|share)(?: to| for)?"
    r" (?:me|my|if|for|please|plz|pls)"
    r"|subscribers?)\b"
)
SELF_PROMOTION = re.compile(
    r"\b(?:check out|check|visit|subscribe to|sub to|follow|watch)\s+(?:out\s+)?(?:my|me|our)\b"
)

# A spam verdict needs evidence the model knows: at least this many of the comment's tokens
# seen in training, covering this share of its words; otherwise the comment is at most
# held (rules and length alone never mark text in a language or genre the model never saw).
MIN_KNOWN_TOKENS = 3
MIN_KNOWN_SHARE = 1 / 3
# A link is evidence for holding, not for marking spam: training comments seldom show how a
# site's honest readers cite sources (the YouTube files have no ham with a link at all), so
# what a model learned about links does not travel. A comment with links may be marked spam
# only when it is mostly links, or when its words without the links say spam by themselves:
# a pitch, or the classifier at least this sure on them alone.
LINK_WORDS_PROBABILITY = 0.95
# "Mostly links": fewer words than this per linked site (bare links, "<link> <link> wow").
WORDS_PER_LINKED_SITE = 5
# The site's own moderators lift the link rule: once their live decisions on comments with
# links show, at 95% confidence (one-sided Clopper-Pearson), that at most 1 in 20 of the
# site's link comments is a reader's (approved), links count toward spam as the weights say.
# 1 in 20 is the certainty the rule already asks of the words alone (LINK_WORDS_PROBABILITY),
# now asked of the site's links; with none approved it takes 59 link comments marked spam
# (the rule of three: 3 / 0.05 = 60), with one approved 93, and a site whose moderators
# approve readers' links keeps the hold. See bench/README.md.
LINKS_LIFT_HAM_SHARE = 1 - LINK_WORDS_PROBABILITY
LINKS_LIFT_CONFIDENCE = 0.95
CLASSIFIER_WEIGHT = 0.621  # per unit of the classifier's log-odds
LINK_HOST_WEIGHT = 2.232  # per distinct linked host, up to LINK_HOST_CAP
LINK_HOST_CAP = 3
SHORTENER_WEIGHT = 1.243
SELF_PROMOTION_WEIGHT = 1.629
ENGAGEMENT_WEIGHT = 2.467
LENGTH_WEIGHT = 0.313  # per unit of log(1 + characters)
CAPITALS_WEIGHT = 0.729  # times the share of capital letters
NO_FORM_TOKEN_WEIGHT = 0.5  # toward holding only; set by hand (see form_token_missing)


def domain_of(url: str) -> str:
    """Return the lower-case host of `url` without a leading 'www.', or ''."""
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.")


def own_link(url: str, own: tuple[str, ...]) -> bool:
    """Whether `url` points at the page itself (one of the `own` host+path prefixes)."""
    bare = re.sub(r"^(?:https?://)?(?:www\.)?", "", url.strip().lower())
    return bool(own) and bare.startswith(own)


def link_hosts(facts: Facts) -> set[str]:
    """Return the distinct hosts the comment's body links to (hrefs and bare addresses)."""
    own = facts.own_urls
    hosts = {domain_of(u) for u in facts.link_urls if not own_link(u, own)}
    hosts.update(textmod.url_hosts(facts.normalized))
    return {h for h in hosts if h}


def text_classifier(facts: Facts) -> Finding | None:
    """The token classifier's verdict, with the words that weighed most."""
    model = facts.model
    if model is None or not (model.spam_docs and model.ham_docs):
        return None
    verdict = bayes.classify(model, facts.tokens)
    cap = None if well_known(model, facts.tokens) else "hold"
    if not verdict.evidence:
        return Finding(0.0, "", cap=cap)
    p = min(max(verdict.probability, 1e-6), 1 - 1e-6)
    return Finding(CLASSIFIER_WEIGHT * math.log(p / (1 - p)), bayes.describe(verdict), cap=cap)


def well_known(model: bayes.TokenCounts, tokens: list[str]) -> bool:
    """Whether the model has seen enough of the comment to call it spam.

    Text in another language, code, or a topic the training never covered shares few of
    its words with the training comments, and its score is then mostly rules and length.
    """
    distinct = set(tokens)
    words = {t for t in distinct if ":" not in t}  # no bigrams or link tokens
    known_words = sum(t in model.counts for t in words)
    known = sum(t in model.counts for t in distinct)
    return known >= MIN_KNOWN_TOKENS and known_words >= MIN_KNOWN_SHARE * len(words)


def links(facts: Facts) -> Finding | None:
    """Links to several sites are how link spam looks; each distinct site counts.

    The finding caps the comment at hold unless it is mostly links, its words say spam by
    themselves (`LINK_WORDS_PROBABILITY`), or this site's moderators have shown that its
    link comments are spam (`links_count_for_spam`): a link alone marks nothing spam until
    the site's own decisions say links here are spam.
    """
    hosts = link_hosts(facts)
    if not hosts:
        return None
    weight = LINK_HOST_WEIGHT * min(len(hosts), LINK_HOST_CAP)
    words = max(len(facts.normalized.split()), 1)
    count = len(hosts)
    mostly = words < WORDS_PER_LINKED_SITE * count
    lifted = links_count_for_spam(
        spam=facts.link_spam_by_moderators, approved=facts.link_ham_by_moderators
    )
    cap = None if mostly or lifted or spammy_words(facts) else "hold"
    reason = f"{count} link{'s' if count != 1 else ''}{' (mostly links)' if mostly else ''}"
    if lifted and not mostly:
        reason += " (this site's moderators mark links spam)"
    return Finding(weight, reason, cap=cap)


@functools.lru_cache(maxsize=256)
def links_count_for_spam(*, spam: int, approved: int) -> bool:
    """Whether the site's moderators' decisions on comments with links lift the link rule.

    `spam` / `approved`: the comments with links to other pages they marked spam / approved
    (live decisions only: `link_decision`). Lifted while, at `LINKS_LIFT_CONFIDENCE`, at most
    `LINKS_LIFT_HAM_SHARE` of the link comments they decide are readers' comments.
    """
    return rates.share_at_most(
        approved, spam + approved, LINKS_LIFT_HAM_SHARE, LINKS_LIFT_CONFIDENCE
    )


def link_decision(facts: Facts, *, is_spam: bool, step: int = 1) -> tuple[int, int]:
    """Return what one moderator decision on this comment adds to the site's link evidence.

    (spam, approved) comments with links to other pages (`link_hosts`: links to the page
    itself do not count): (step, 0) for spam, (0, step) for an approval, (0, 0) without
    links. Only live moderators' decisions go through here: the worker when a moderator
    decides (`comment_learn`), and the bench's learning mode, never a bootstrap corpus.
    """
    if not link_hosts(facts):
        return 0, 0
    return (step, 0) if is_spam else (0, step)


def spammy_words(facts: Facts) -> bool:
    """Whether the words around a comment's links say spam without the links' help."""
    if SELF_PROMOTION.search(facts.normalized) or ENGAGEMENT_BAIT.search(facts.normalized):
        return True
    model = facts.model
    if model is None or not (model.spam_docs and model.ham_docs):
        return False
    return bayes.classify(model, facts.prose_tokens).probability >= LINK_WORDS_PROBABILITY


def shorteners(facts: Facts) -> Finding | None:
    """URL shorteners hide where a link goes."""
    found = sorted(link_hosts(facts) & SHORTENERS)
    if not found:
        return None
    return Finding(SHORTENER_WEIGHT, f"URL shortener: {', '.join(found)}")


def self_promotion(facts: Facts) -> Finding | None:
    """'Check out my channel', 'subscribe to my ...': the spammer's pitch, in any topic."""
    match = SELF_PROMOTION.search(facts.normalized)
    if match is None:
        return None
    return Finding(SELF_PROMOTION_WEIGHT, f"self-promotion: '{match.group(0)}'")


def engagement_bait(facts: Facts) -> Finding | None:
    """'Like this comment if...', 'subscribe for...', counting subscribers: asking for clicks."""
    match = ENGAGEMENT_BAIT.search(facts.normalized)
    if match is None:
        return None
    return Finding(ENGAGEMENT_WEIGHT, f"asks for likes or subscribers: '{match.group(0)}'")


def length(facts: Facts) -> Finding:
    """Longer comments are a little more often spam (shown only when very long)."""
    size = len(facts.normalized)
    reason = f"long comment ({size} characters)" if size > 1500 else ""
    return Finding(LENGTH_WEIGHT * math.log1p(size), reason)


def capitals(facts: Facts) -> Finding | None:
    """Shouting in capitals."""
    letters = [c for c in facts.visible if c.isalpha()]
    if len(letters) < 8:
        return None
    share = sum(c.isupper() for c in letters) / len(letters)
    reason = f"{share:.0%} capital letters" if share >= 0.6 else ""
    return Finding(CAPITALS_WEIGHT * share, reason)


def form_token_missing(facts: Facts) -> Finding | None:
    """An anonymous submit without the widget's form token skipped the timing check.

    Honest API clients do that too, so it only counts toward holding a comment for a
    moderator, never toward spam: a borderline comment is held instead of approved, and
    no reader's comment is marked spam for it (bench/form_token.py: ham's false-positive
    rate does not move).
    """
    if not facts.without_form_token:
        return None
    reason = "sent without a form token (not through the widget)"
    return Finding(NO_FORM_TOKEN_WEIGHT, reason, hold_only=True)


def spam_link_domains(facts: Facts) -> Finding | None:
    """Links to domains that moderators already marked spam."""
    if not facts.spam_link_domains:
        return None
    return Finding(3.0, f"links to a domain seen in spam: {', '.join(facts.spam_link_domains)}")


def author_history(facts: Facts) -> Finding | None:
    """An author with approved comments is trusted, staff most; one with spam is not."""
    if facts.spam_by_author:
        return Finding(
            2.5 + 0.5 * min(facts.spam_by_author, 4),
            f"author had {facts.spam_by_author} comment(s) marked spam",
        )
    if facts.is_staff:
        return Finding(-6.0, "staff member")
    if facts.approved_by_author:
        return Finding(
            -1.0 - 0.5 * min(facts.approved_by_author, 6),
            f"author has {facts.approved_by_author} approved comment(s)",
        )
    return None


def ip_history(facts: Facts) -> Finding | None:
    """Spam from the same address, or the same /24 (IPv4) or /64 (IPv6) network."""
    if facts.spam_by_ip:
        return Finding(
            2.0 + 0.3 * min(facts.spam_by_ip, 5),
            f"IP address had {facts.spam_by_ip} spam comment(s)",
        )
    prefix = facts.ip_network.rpartition("/")[2]
    network = f"IP /{prefix}" if prefix.isdigit() else "IP network"
    if facts.spam_by_network_week and facts.spam_by_network > facts.ham_by_network:
        return Finding(
            1.0 + 0.25 * min(facts.spam_by_network_week, 4),
            f"{network} had {facts.spam_by_network_week} spam this week",
        )
    if facts.spam_by_network > facts.ham_by_network:
        return Finding(0.75, f"{network} had {facts.spam_by_network} spam comment(s)")
    return None


# A rule the operator marked "alert" says so at the start of its reason: the comment's stored
# reasons then tell the alerts it was caught by one. No other signal's reason starts so.
ALERT_RULE_PREFIX = "alert rule, "


def blocklist(facts: Facts) -> list[Finding]:
    """Entries from the operator's blocklist (words with * wildcards, domains, e-mails, IPs)."""
    findings = []
    for kind, pattern, action in facts.blocked:
        weight = 6.0 if action == "spam" else 2.0
        mark = ALERT_RULE_PREFIX if (kind, pattern) in facts.alerting else ""
        findings.append(Finding(weight, f"{mark}blocklisted {kind}: {pattern}", force=action))
    return findings


def alert_rules(reasons: Sequence[str]) -> list[str]:
    """Return the blocklist rules marked "alert" that caught a comment, from its reasons."""
    return [r.removeprefix(ALERT_RULE_PREFIX) for r in reasons if r.startswith(ALERT_RULE_PREFIX)]


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
