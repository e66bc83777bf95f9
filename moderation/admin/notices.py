"""What the queue page says above the list: expected rates, link evidence, open breakers,
automatic bans."""

from datetime import timedelta

from django.utils import timezone

from blog.models import Post
from moderation.models import Ban
from moderation.scoring.rules import LINKS_LIFT_HAM_SHARE, links_count_for_spam
from moderation.scoring.store import calibration_current, link_decisions_current


def expected_rates() -> str:
    """Return the rates the calibration expects on new comments, 95% intervals, or ''."""
    calibrated = calibration_current()
    found = calibrated.expected if calibrated else {}
    names = {"fpr": "readers marked spam", "recall": "spam caught", "held": "held"}
    cells = [
        f"{label} {found[key][0]:.1%} ({found[key][1]:.1%}-{found[key][2]:.1%})"
        for key, label in names.items()
        if isinstance(found.get(key), list) and len(found[key]) == 3
    ]
    return f" Expected on new comments: {', '.join(cells)}." if cells else ""


def link_evidence() -> str:
    """Return what the site's moderators' decisions say about links, and what it changes."""
    spam, approved = link_decisions_current()
    decided = f"moderators marked {spam} comment(s) with links spam and approved {approved}"
    if links_count_for_spam(spam=spam, approved=approved):
        return f" Links: {decided}, so links count toward spam."
    share = round(1 / LINKS_LIFT_HAM_SHARE)
    return (
        f" Links: {decided}; links only hold a comment until their decisions show (95%"
        f" confidence) that at most 1 in {share} link comments here is a reader's."
    )


def queue_notices() -> list[str]:
    """What moderators are told above the queue: open thread breakers, recent automatic bans."""
    now = timezone.now()
    notices = [
        f"Thread breaker open on “{title}” until {until:%H:%M} UTC: {reason}."
        for title, until, reason in Post.objects.filter(breaker_until__gt=now).values_list(
            "title", "breaker_until", "breaker_reason"
        )[:5]
    ]
    automatic = Ban.objects.filter(created_at__gte=now - timedelta(days=7)).exclude(cause="")
    count = automatic.count()
    if count:
        notices.append(f"{count} automatic ban(s) in the last 7 days; see Bans.")
    return notices
