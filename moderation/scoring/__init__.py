"""Spam scoring: facts about a comment in, a score 0..1 and human reasons out. Pure.

Each signal is a small function `signal(facts) -> Finding | None`. A finding's weight is
in log-odds: positive pushes toward spam, negative toward ham. `combine` adds them to a
prior and squashes the sum into 0..1. A finding may also force a verdict ("hold" or
"spam"), as an operator's blocklist entry does.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Finding:
    weight: float
    reason: str
    force: str | None = None  # "hold" or "spam": decided whatever the score


@dataclass(frozen=True)
class Facts:
    """Everything the signals may look at, gathered once from the database."""

    text: str
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
    spam_link_domains: tuple[str, ...] = ()
    blocked: tuple[tuple[str, str, str], ...] = ()  # (kind, pattern, action)
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Score:
    value: float
    reasons: list[str]
    force: str | None = None


Signal = Callable[[Facts], "Finding | None | Sequence[Finding]"]

PRIOR = -2.0  # log-odds before any evidence: most comments are fine


def combine(findings: Sequence[Finding], *, prior: float = PRIOR) -> Score:
    """Add the findings' weights to the prior and return the score with its reasons."""
    total = prior + sum(f.weight for f in findings)
    ordered = sorted(findings, key=lambda f: abs(f.weight), reverse=True)
    forces = {f.force for f in findings if f.force}
    force = "spam" if "spam" in forces else ("hold" if "hold" in forces else None)
    return Score(value=_sigmoid(total), reasons=[f.reason for f in ordered], force=force)


def run_signals(signals: Sequence[Signal], facts: Facts) -> list[Finding]:
    """Run every signal and collect what they found."""
    findings: list[Finding] = []
    for signal in signals:
        found = signal(facts)
        if found is None:
            continue
        findings.extend([found] if isinstance(found, Finding) else found)
    return findings


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)
