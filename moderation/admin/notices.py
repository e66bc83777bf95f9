"""What the queue page says above the list: expected rates, link evidence, open breakers,
automatic bans."""

from datetime import timedelta

from django.utils import timezone

from blog.models import Post
from moderation.models import Ban
from moderation.scoring.rules import links_count_for_spam
from moderation.scoring.store import calibration_current, link_decisions_current

# Link comments moderators must mark spam, none approved, before links count toward spam.
LINKS_NEEDED = next(n for n in range(1, 10_000) if links_count_for_spam(spam=n, approved=0))


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
    so_far = f"{spam} marked spam, {approved} approved"
    if links_count_for_spam(spam=spam, approved=approved):
        return f" Links count toward spam here ({so_far} by moderators)."
    return (
        " A comment with links is held, not marked spam, until moderators have marked"
        f" {LINKS_NEEDED} link comments spam with none approved (so far {so_far})."
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
