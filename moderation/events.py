"""Comment events fan out to their receivers: moderator alerts, reader mail, webhooks.

Events are raised in one place, `comments.services`, after the transaction that changed a
comment commits, and reach this module through the `moderation.comment_event` task on the
"events" queue (a slow receiver never delays scoring). Each receiver is a dotted path
called with `comment_id` and `event`; one that fails is logged and the others still run.
"""

import logging
from typing import TYPE_CHECKING

from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from comments.models import Comment

logger = logging.getLogger(__name__)

EVENTS = (
    "comment.created",
    "comment.held",
    "comment.approved",
    "comment.rejected",
    "comment.spam",
    "comment.removed",
)

RECEIVERS: list[str] = [
    "moderation.webhooks.services.webhook_on_event",
    "moderation.alerts.alert_on_event",
    "comments.notify.services.notify_on_event",
]


def event_wanted(*, event: str, comment: "Comment") -> bool:
    """Whether some receiver may act on `event` for `comment`; one that none can is not queued.

    Each receiver's own first test, asked before the broker message instead of in the
    worker: most events (a comment created, the scorer approving a top-level comment or
    marking one spam) have nobody to tell on a site without webhooks for them, and a
    queued event costs a message and a task run. The webhooks' test, one small cache
    read, comes last.
    """
    from comments.notify.services import notify_may_mail
    from moderation.alerts import alert_may_follow
    from moderation.webhooks.wanted import events_wanted

    reply, moderated = comment.parent_id is not None, comment.moderated_by_id is not None
    return (
        alert_may_follow(event=event, comment=comment)
        or notify_may_mail(event=event, moderated=moderated, reply=reply)
        or event in events_wanted()
    )


def event_fan_out(*, comment_id: int, event: str) -> int:
    """Call every receiver with this event; return how many succeeded."""
    done = 0
    for path in RECEIVERS:
        try:
            import_string(path)(comment_id=comment_id, event=event)
        except Exception:
            logger.exception("receiver %s failed on %s for comment %s", path, event, comment_id)
        else:
            done += 1
    return done
