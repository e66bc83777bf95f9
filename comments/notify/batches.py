"""Batched notices: many events, at most one mail per stream per window.

A stream is one recipient's feed of one kind: `alert:<user id>` (a moderator's immediate
alerts), `digest:<user id>` (a moderator's daily digest), `reply:<address id>:<post id>`
(replies in one thread for one reader). Each event adds its comment to the stream, then
tries to flush it: the first event of a quiet stream mails at once; events inside the
window wait, and the periodic `batches_flush_due` mails them together once it passes.
The renderer of a stream's kind turns its comments into one outbox message.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from comments.conf import comments_setting
from comments.notify.models import BatchItem, BatchState

# Renderer(stream, comment ids, outbox key) -> whether a message was queued.
Renderer = Callable[[str, list[int], str], bool]

# kind → (renderer, window): dotted paths, so that moderation's kinds are named here without
# comments importing moderation. A window returns seconds, or None: flushed only on demand
# (the daily digest).
STREAM_KINDS: dict[str, tuple[str, str]] = {
    "alert": ("moderation.alerts.alert_mail", "moderation.alerts.alert_window"),
    "digest": ("moderation.alerts.digest_mail", "comments.notify.batches.no_window"),
    "reply": ("comments.notify.readers.reply_mail", "comments.notify.batches.reply_window"),
}


def reply_window() -> float | None:
    return float(comments_setting("REPLY_MAIL_WINDOW_SECONDS"))


def no_window() -> float | None:
    return None


def _window(kind: str) -> float | None:
    found: float | None = import_string(STREAM_KINDS[kind][1])()
    return found


def batch_add(*, stream: str, comment_id: int) -> None:
    """Put a comment into the stream's next mail (once, however often it is added)."""
    try:
        with transaction.atomic():
            BatchItem.objects.get_or_create(stream=stream, comment_id=comment_id)
    except IntegrityError:  # added at the same moment by another worker
        pass


def batch_flush(stream: str, *, force: bool = False) -> bool:
    """Mail the stream's waiting comments unless its window is still open; True if mailed."""
    kind = stream.split(":", 1)[0]
    renderer_path = STREAM_KINDS[kind][0]
    with transaction.atomic():
        state = _locked_state(stream)
        seconds = _window(kind)
        now = timezone.now()
        if not force and (seconds is None or _inside(state.last_sent_at, seconds, now)):
            return False
        items = list(BatchItem.objects.filter(stream=stream).order_by("pk"))
        if not items:
            return False
        render: Renderer = import_string(renderer_path)
        key = f"{stream}:{items[-1].pk}"
        queued = render(stream, [item.comment_id for item in items], key)
        BatchItem.objects.filter(pk__in=[item.pk for item in items]).delete()
        if queued:
            state.last_sent_at = now
            state.save(update_fields=["last_sent_at"])
    return queued


def batches_flush_due() -> int:
    """Flush every windowed stream that has comments waiting; return how many mailed."""
    streams = BatchItem.objects.values_list("stream", flat=True).distinct()
    mailed = 0
    for stream in list(streams):
        kind = stream.split(":", 1)[0]
        if kind in STREAM_KINDS and _window(kind) is not None:
            mailed += batch_flush(stream)
    return mailed


def batch_streams_delete(*, prefix: str | None = None, stream: str | None = None) -> int:
    """Forget one stream, or every stream whose name starts with `prefix` (items and state)."""
    match = Q(stream=stream) if stream is not None else Q(stream__startswith=prefix)
    deleted, _ = BatchItem.objects.filter(match).delete()
    BatchState.objects.filter(match).delete()
    return int(deleted)


def _locked_state(stream: str) -> BatchState:
    try:
        with transaction.atomic():
            BatchState.objects.get_or_create(stream=stream)
    except IntegrityError:  # created at the same moment by another worker
        pass
    return BatchState.objects.select_for_update().get(stream=stream)


def _inside(last: datetime | None, seconds: float, now: datetime) -> bool:
    return last is not None and now - last < timedelta(seconds=seconds)
