"""Trust rules a site may turn on: hold what the scorer would approve, until trust is earned.

Each rule (MODERATION HOLD_FIRST_COMMENT, HOLD_LINKS, HOLD_BELOW_APPROVED) gives a reason
that the comment is held for a moderator; staff are always trusted.
"""

from comments.models import Comment, Status
from moderation.conf import moderation_setting
from moderation.scoring import Facts
from moderation.scoring.rules import link_hosts


def trust_hold(comment: Comment, facts: Facts) -> str | None:
    """Return why the site's trust rules hold this comment, or None when none applies."""
    if facts.is_staff:
        return None
    if moderation_setting("HOLD_LINKS") and link_hosts(facts):
        return "trust rule: comments with links are held"
    first, below = (
        moderation_setting("HOLD_FIRST_COMMENT"),
        moderation_setting("HOLD_BELOW_APPROVED"),
    )
    if not first and not below:
        return None
    approved = _approved_before(comment, cap=max(int(below or 0), 1))
    if first and approved == 0:
        return "trust rule: first comment from this author"
    if below and approved < below:
        return f"trust rule: author has fewer than {below} approved comments"
    return None


def _approved_before(comment: Comment, *, cap: int) -> int:
    """Count the author's other approved comments, stopping at `cap` (all a rule needs)."""
    others = Comment.objects.filter(
        author_email__iexact=comment.author_email.strip(), status=Status.APPROVED
    ).exclude(pk=comment.pk)
    return len(others.values_list("pk", flat=True)[:cap])
