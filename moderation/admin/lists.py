"""The admin's lists: blocklist rules, reputation, breaker trips, alert preferences."""

from django.contrib import admin

from moderation.admin.access import ModeratorsView
from moderation.models import AlertPreference, BlockRule, BreakerTrip, Reputation


@admin.register(BlockRule)
class BlockRuleAdmin(admin.ModelAdmin[BlockRule]):
    list_display = ["pattern", "kind", "action", "alert", "note", "created_at"]
    list_editable = ["alert"]
    list_filter = ["kind", "action", "alert"]
    search_fields = ["pattern", "note"]


@admin.register(Reputation)
class ReputationAdmin(admin.ModelAdmin[Reputation]):
    list_display = ["kind", "key", "spam", "ham", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["key"]
    readonly_fields = ["kind", "key", "spam", "ham", "updated_at"]


@admin.register(BreakerTrip)
class BreakerTripAdmin(ModeratorsView, admin.ModelAdmin[BreakerTrip]):
    """Every opening of a thread breaker, and why: what moderators are told."""

    list_display = ["post", "opened_at", "until", "reason"]
    list_select_related = ["post"]
    readonly_fields = ["post", "opened_at", "until", "reason"]


@admin.register(AlertPreference)
class AlertPreferenceAdmin(admin.ModelAdmin[AlertPreference]):
    """Each moderator's choice of alerts: immediately (the default), a daily digest, or none."""

    list_display = ["user", "alerts", "updated_at"]
    list_filter = ["alerts"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user"]
