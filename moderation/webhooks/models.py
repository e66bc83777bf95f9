"""Webhook endpoints, one delivery per (endpoint, event), and every attempt to send it."""

from typing import Any

from django.conf import settings
from django.db import models

from moderation.events import EVENTS
from moderation.webhooks.wanted import events_wanted_changed

# Comment events and the thread circuit breaker's.
EVENT_TYPES = (*EVENTS, "post.breaker")


class Endpoint(models.Model):
    """A URL that receives the events it subscribed to, signed with its own secret."""

    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list, help_text="Event types to send, e.g. comment.held")
    active = models.BooleanField(default=True)
    # Standard Webhooks secret ("whsec_" + base64 of 32 random bytes), shown once on create.
    secret = models.CharField(max_length=100, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Health: since when every attempt has failed (null: the last one succeeded), and how
    # many deliveries in a row used up their retries. Past the limits it is disabled.
    failing_since = models.DateTimeField(null=True, blank=True)
    exhausted_in_row = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]
        permissions = [("manage_webhooks", "Can manage webhook endpoints and see deliveries")]

    def __str__(self) -> str:
        return self.url

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        events_wanted_changed()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        deleted = super().delete(*args, **kwargs)
        events_wanted_changed()
        return deleted


class Delivery(models.Model):
    """One event for one endpoint; its `message_id` is the same in every attempt."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed (retries used up)"

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    message_id = models.CharField(max_length=40, unique=True)
    event = models.CharField(max_length=40)
    comment_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # A worker that claimed it and died: after this moment the sweep may claim it again.
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint.url} ({self.state})"


class Attempt(models.Model):
    """One try at sending a delivery: when, what came back, and how long it took."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField(auto_now_add=True)
    ok = models.BooleanField(default=False)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    response_excerpt = models.CharField(max_length=1000, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        outcome = self.status_code or self.error or "?"
        return f"attempt {self.number} of {self.delivery.message_id}: {outcome}"
