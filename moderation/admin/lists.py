"""The admin's lists: blocklist rules, reputation tables and thread breaker trips."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from comments.permissions import is_moderator
from moderation.models import BlockRule, BreakerTrip, Reputation


@admin.register(BlockRule)
class BlockRuleAdmin(admin.ModelAdmin[BlockRule]):
    list_display = ["pattern", "kind", "action", "note", "created_at"]
    list_filter = ["kind", "action"]
    search_fields = ["pattern", "note"]


@admin.register(Reputation)
class ReputationAdmin(admin.ModelAdmin[Reputation]):
    list_display = ["kind", "key", "spam", "ham", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["key"]
    readonly_fields = ["kind", "key", "spam", "ham", "updated_at"]


@admin.register(BreakerTrip)
class BreakerTripAdmin(admin.ModelAdmin[BreakerTrip]):
    """Every opening of a thread breaker, and why: what moderators are told."""

    list_display = ["post", "opened_at", "until", "reason"]
    list_select_related = ["post"]
    readonly_fields = ["post", "opened_at", "until", "reason"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_moderator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_moderator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
