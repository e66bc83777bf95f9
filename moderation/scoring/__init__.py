"""Spam scoring: facts about a comment in, a score 0..1 and human reasons out. Pure.

Each signal is a small function `signal(facts) -> Finding | None`. A finding's weight is
in log-odds: positive pushes toward spam, negative toward ham. `combine` adds them to a
prior and squashes the sum into 0..1. A finding may also force a verdict ("hold" or
"spam"), as an operator's blocklist entry does. A finding with an empty reason still
counts (a comment's length, say) but is not shown to moderators. A `hold_only` finding
counts toward holding a comment for a moderator, never toward marking it spam: evidence
that honest senders share too (no form token) must never turn a reader's comment to spam.
"""

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from moderation.scoring import text as textmod
from moderation.scoring.classifier import TokenCounts


@dataclass(frozen=True)
class Finding:
    weight: float
    reason: str
    force: str | None = None  # "hold" or "spam": decided whatever the score
    hold_only: bool = False  # counts in `Score.hold_value` only (never toward spam)
    cap: str | None = None  # "hold": the score alone may not mark this comment spam


@dataclass(frozen=True)
class Facts:
    """Everything the signals may look at, gathered once (from the database, or a bench)."""

    text: str  # visible text (HTML stripped)
    raw: str = ""  # what the author typed (Markdown or HTML): the classifier reads this
    html: str = ""
    author_name: str = ""
    author_email: str = ""
    author_url: str = ""
    link_urls: tuple[str, ...] = ()
    is_staff: bool = False
    approved_by_author: int = 0
    spam_by_author: int = 0
    spam_by_ip: int = 0
    spam_by_network: int = 0
    ham_by_network: int = 0
    spam_by_network_week: int = 0
    ip_network: str = ""  # "198.51.100.0/24": the network the counts above are about
    spam_link_domains: tuple[str, ...] = ()
    blocked: tuple[tuple[str, str, str], ...] = ()  # (kind, pattern, action)
    alerting: frozenset[tuple[str, str]] = frozenset()  # (kind, pattern) of "alert" rules
    model: TokenCounts | None = None  # the classifier's counts, or None when untrained
    # The page's own addresses (lower-case host + path, no scheme or "www."): links to
    # them are references, not promotion, and neither the rules nor the classifier count them.
    own_urls: tuple[str, ...] = ()
    # Sent anonymously without the widget's form token (COMMENTS["FORM_TOKEN_MISSING"]).
    without_form_token: bool = False
    # This site's moderators' live decisions on comments with links to other pages: how many
    # they marked spam and how many they approved (not train_spam's corpus, not imports).
    link_spam_by_moderators: int = 0
    link_ham_by_moderators: int = 0
    extra: dict[str, object] = field(default_factory=dict)

    @cached_property
    def visible(self) -> str:
        """Return the normalized visible text, case kept (for capitals)."""
        return textmod.normalize(self.raw or self.text, lowercase=False)

    @cached_property
    def normalized(self) -> str:
        """Return the normalized, lower-case text, links to the page itself left out."""
        return textmod.without_own_links(self.visible.lower(), self.own_urls)

    @cached_property
    def tokens(self) -> list[str]:
        """Return the classifier tokens of what the author typed."""
        return textmod.tokens(self.raw or self.text, own=self.own_urls)

    @cached_property
    def prose_tokens(self) -> list[str]:
        """Return the classifier tokens of the words around the links (no link tokens)."""
        return textmod.prose_tokens(self.raw or self.text, own=self.own_urls)


@dataclass(frozen=True)
class Score:
    value: float  # compared with the spam threshold (and stored)
    reasons: list[str]
    force: str | None = None
    hold_value: float | None = None  # compared with the hold threshold; None = `value`
    cap: str | None = None  # "hold": too little evidence to mark spam on the score alone


Signal = Callable[[Facts], "Finding | Sequence[Finding] | None"]

# Log-odds before any evidence: most comments are fine. The default until `train_spam`
# fits the site's own (`moderation.scoring.fit`); see moderation.scoring.rules.
PRIOR = -3.269


@dataclass(frozen=True)
class Weights:
    """How findings add up: the prior, and a factor on each named signal's weights.

    `train_spam` fits them on the site's labelled comments (`moderation.scoring.fit`); a
    signal not named keeps its own weights (factor 1), as the hand-set reputation ones do.
    """

    prior: float = PRIOR
    scales: Mapping[str, float] = field(default_factory=dict)


DEFAULT_WEIGHTS = Weights()


def combine(findings: Sequence[Finding], *, prior: float = PRIOR) -> Score:
    """Add the findings' weights to the prior and return the score with its reasons."""
    total = prior + sum(f.weight for f in findings if not f.hold_only)
    hold_total = total + sum(f.weight for f in findings if f.hold_only)
    ordered = sorted(findings, key=lambda f: abs(f.weight), reverse=True)
    forces = {f.force for f in findings if f.force}
    force = "spam" if "spam" in forces else ("hold" if "hold" in forces else None)
    reasons = [f.reason for f in ordered if f.reason]
    hold_value = _sigmoid(hold_total) if hold_total != total else None
    cap = "hold" if any(f.cap == "hold" for f in findings) else None
    return Score(
        value=_sigmoid(total), reasons=reasons, force=force, hold_value=hold_value, cap=cap
    )


def run_signals(
    signals: Sequence[Signal], facts: Facts, weights: Weights = DEFAULT_WEIGHTS
) -> list[Finding]:
    """Run every signal and collect what they found, each weight times its signal's factor."""
    findings: list[Finding] = []
    for signal in signals:
        found = signal(facts)
        if found is None:
            continue
        many = [found] if isinstance(found, Finding) else found
        scale = weights.scales.get(signal_name(signal), 1.0)
        findings.extend(f if scale == 1.0 else replace(f, weight=f.weight * scale) for f in many)
    return findings


def signal_name(signal: Signal) -> str:
    """Return the name weights use for `signal` (its function name)."""
    return getattr(signal, "__name__", type(signal).__name__)


def score_facts(
    signals: Sequence[Signal], facts: Facts, weights: Weights = DEFAULT_WEIGHTS
) -> Score:
    """Run `signals` over `facts` and combine what they found: the whole scorer, pure."""
    return combine(run_signals(signals, facts, weights), prior=weights.prior)


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)
