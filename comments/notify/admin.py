"""The outbox in the admin: what was sent, what waits, and why a message failed."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from comments.notify.models import MailAddress, OutboundMail
from comments.notify.outbox import mail_retry


@admin.register(OutboundMail)
class OutboxAdmin(admin.ModelAdmin[OutboundMail]):
    list_display = ["subject", "kind", "to", "state", "attempts", "last_error", "created_at"]
    list_filter = ["state", "kind"]
    search_fields = ["to", "subject", "key"]
    actions = ["send_again"]
    readonly_fields = [
        "key",
        "kind",
        "to",
        "subject",
        "state",
        "attempts",
        "last_error",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "created_at",
        "headers",
        "text",
    ]
    fields = tuple(readonly_fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Send again (failed or refused messages)")
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutboundMail]) -> None:
        count = mail_retry(mail_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} message(s) queued to send again.", messages.SUCCESS)


@admin.register(MailAddress)
class MailAddressAdmin(admin.ModelAdmin[MailAddress]):
    list_display = ["email", "confirmed_at", "unsubscribed_at", "created_at"]
    search_fields = ["email"]
    readonly_fields = ["email", "confirmed_at", "unsubscribed_at", "created_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
