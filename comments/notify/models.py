"""The outbox (one row per message), readers' addresses and subscriptions, and mail batches."""

from django.db import models

from blog.models import Post
from comments.models import Comment


class OutboundMail(models.Model):
    """One message, rendered when it was decided, sent by a worker after commit.

    `key` (event + recipient) is unique: deciding the same message twice makes one row, and
    the sending task claims the row under a lock, so it goes out once.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (will be retried)"
        BOUNCED = "bounced", "Refused by the mail server (not retried)"

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20)
    to = models.EmailField(max_length=254, db_index=True)
    subject = models.CharField(max_length=255)
    text = models.TextField()
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "outgoing mail"
        verbose_name_plural = "outbox"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state})"


class MailAddress(models.Model):
    """A reader's address: confirmed (by a link in one mail) before any other mail goes to it."""

    email = models.EmailField(max_length=254, unique=True)  # stored lower-cased
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)  # from the whole site
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "mail addresses"

    def __str__(self) -> str:
        return self.email


class Subscription(models.Model):
    """A reader asked to hear about replies to `comment`, and about its approval."""

    address = models.ForeignKey(MailAddress, on_delete=models.CASCADE, related_name="subscriptions")
    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="subscription")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"replies to #{self.comment_id}"


class ThreadMute(models.Model):
    """An address unsubscribed from one thread: no mail about that post ever again."""

    address = models.ForeignKey(MailAddress, on_delete=models.CASCADE, related_name="mutes")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["address", "post"], name="threadmute_unique")
        ]

    def __str__(self) -> str:
        return f"muted post #{self.post_id}"


class BatchState(models.Model):
    """When a stream of notices (one moderator's alerts, one reader's thread) last mailed."""

    stream = models.CharField(max_length=200, unique=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.stream


class BatchItem(models.Model):
    """A comment waiting to go into the next mail of its stream."""

    stream = models.CharField(max_length=200, db_index=True)
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stream", "comment"], name="batchitem_unique")
        ]

    def __str__(self) -> str:
        return f"{self.stream}: #{self.comment_id}"
