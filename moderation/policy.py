"""Decide what happens to a scored comment: approve, hold for a moderator, or mark spam. Pure.

Defaults favour never marking a real reader's comment spam: only a score at or above the
spam threshold (or an operator's blocklist entry) marks spam; anything unsure is held.
"""

from dataclasses import dataclass
from enum import StrEnum


class Decision(StrEnum):
    APPROVE = "approve"
    HOLD = "hold"
    SPAM = "spam"


@dataclass(frozen=True)
class Thresholds:
    """Where scores turn into decisions. No defaults here: the pair in effect comes from
    settings, calibration or the fallbacks (moderation.services.thresholds), one source."""

    hold: float  # at or above: a moderator decides
    spam: float  # at or above: spam

    def __post_init__(self) -> None:
        if not 0.0 <= self.hold <= self.spam <= 1.0:
            raise ValueError(
                f"thresholds must satisfy 0 <= hold ({self.hold}) <= spam ({self.spam}) <= 1"
            )


def decide(
    *,
    score: float,
    mode: str,
    thresholds: Thresholds,
    trusted: bool = False,
    force: str | None = None,
    hold_score: float | None = None,
    cap: str | None = None,
) -> Decision:
    """Return the decision for a comment with `score` on a post moderated in `mode`.

    `mode` "post" publishes unless the scorer objects; "pre" holds everything for a
    moderator except comments from trusted authors that the scorer finds clean.
    `force` ("hold" or "spam") comes from an operator's blocklist and wins over the score.
    `hold_score`, when given, replaces `score` for the hold threshold only (evidence that
    may hold a comment but must never mark it spam).
    `cap` "hold": the scorer had too little evidence, so a spam score is only held.
    """
    if force == "spam" or (score >= thresholds.spam and cap != "hold"):
        return Decision.SPAM
    if force == "hold" or max(score, hold_score or 0.0) >= thresholds.hold:
        return Decision.HOLD
    if mode == "pre" and not trusted:
        return Decision.HOLD
    return Decision.APPROVE
