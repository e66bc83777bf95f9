"""What if the thresholds were others? A confusion table against the moderators' decisions.

Uses each comment's stored score (no rescoring) and the policy as on a post-moderated post:
for the scorer's decisions, how many would flip; for the moderators', how the thresholds
would have decided what they judged. What is not stored with the score (a blocklist's
forced verdict, the evidence cap, pre-moderation, trust rules) is not applied again.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from comments.models import Comment, CommentEvent, Status
from moderation import policy

DECISIONS = ("approve", "hold", "spam")
VERDICTS: dict[str, str] = {
    Status.APPROVED: "ham",
    Status.SPAM: "spam",
    Status.REJECTED: "rejected",
}
SCORER: dict[str, str] = {Status.APPROVED: "approve", Status.SPAM: "spam"}


@dataclass
class WhatIf:
    """The table (moderators' verdict → what-if decision → count), and the scorer's flips."""

    scored: int = 0
    table: dict[str, Counter[str]] = field(default_factory=dict)
    flips: Counter[tuple[str, str]] = field(default_factory=Counter)
    scorer_decided: int = 0

    @property
    def contradicted(self) -> dict[str, int]:
        """Moderators' verdicts the thresholds would get wrong outright."""
        return {
            "ham marked spam": self.table.get("ham", Counter())["spam"],
            "spam approved": self.table.get("spam", Counter())["approve"],
        }


def thresholds_whatif(*, hold: float, spam: float, start: datetime, end: datetime) -> WhatIf:
    """Decide every scored comment created in [start, end] at `hold`/`spam`; compare."""
    limits = policy.Thresholds(hold=hold, spam=spam)  # raises ValueError when out of order
    rows = list(
        Comment.objects.filter(created_at__range=(start, end), spam_score__isnull=False)
        .exclude(status=Status.REMOVED)
        .values_list("pk", "spam_score", "status", "moderated_by_id")
    )
    scorer = dict(
        CommentEvent.objects.filter(comment__in=[r[0] for r in rows], actor_label="scorer")
        .order_by("created_at")
        .values_list("comment_id", "to_status")
    )
    result = WhatIf(scored=len(rows))
    for pk, score, status, moderator in rows:
        would = str(policy.decide(score=score or 0.0, mode="post", thresholds=limits))
        verdict = VERDICTS.get(status, "undecided") if moderator else "not decided by a moderator"
        result.table.setdefault(verdict, Counter())[would] += 1
        before = SCORER.get(scorer.get(pk, ""), "hold")
        result.scorer_decided += 1
        if before != would:
            result.flips[(before, would)] += 1
    return result
