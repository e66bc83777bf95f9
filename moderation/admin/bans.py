"""Bans in the admin: made by moderators or by the automatic follow-up, with its rule shown."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from comments.permissions import is_moderator
from moderation.models import Ban
from moderation.sanctions import BanInvalid, auto_ban_rule, ban_value


class BanForm(forms.ModelForm[Ban]):
    class Meta:
        model = Ban
        fields = ["kind", "value", "mode", "reason", "expires_at"]

    def clean(self) -> dict[str, Any]:
        """Store the value as bans match it (lower-case e-mail, a CIDR network, a user)."""
        data = super().clean() or {}
        if data.get("kind") and data.get("value"):
            try:
                data["value"], self.instance.user = ban_value(data["kind"], data["value"])
            except BanInvalid as error:
                self.add_error(error.field, error.message)
        return data


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin[Ban]):
    form = BanForm
    list_display = ["value", "kind", "mode", "reason", "cause", "expires_at", "created_by"]
    list_filter = ["kind", "mode"]
    search_fields = ["value", "reason", "cause"]
    list_select_related = ["created_by"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_moderator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_moderator(request.user)

    has_add_permission = has_module_permission

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_moderator(request.user)

    has_delete_permission = has_change_permission

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """Open the form filled in from "ban this author" (kind, value, reason), as shadow."""
        return {"mode": Ban.Mode.SHADOW, **super().get_changeform_initial_data(request)}

    def save_model(self, request: HttpRequest, obj: Ban, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        """Say whether automatic bans are on, and by which rule (MODERATION AUTO_BAN_*)."""
        rule = auto_ban_rule()
        subtitle = (
            f"Automatic follow-up: {rule.describe()}."
            if rule
            else "Automatic follow-up is off (MODERATION['AUTO_BAN_AFTER_SPAM'] turns it on)."
        )
        context = {"title": "Bans", **(extra_context or {}), "subtitle": subtitle}
        return super().changelist_view(request, context)
