"""Webhooks in the admin: endpoints (the secret shown once), deliveries with every attempt."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from moderation.webhooks.address import AddressRefused
from moderation.webhooks.api import can_manage_webhooks
from moderation.webhooks.models import EVENT_TYPES, Attempt, Delivery, Endpoint
from moderation.webhooks.services import (
    delivery_redeliver,
    endpoint_check_url,
    endpoint_create,
    endpoint_update,
)


class ManagedByPermission:
    """Every view needs `webhooks.manage_webhooks` (and staff status, for the admin)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_manage_webhooks(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_webhooks(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_webhooks(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_webhooks(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_webhooks(request.user)


class EndpointForm(forms.ModelForm[Endpoint]):
    url = forms.URLField(max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        choices=[(e, e) for e in EVENT_TYPES], widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Endpoint
        fields = ["url", "description", "events", "active"]

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        try:
            endpoint_check_url(url)
        except AddressRefused as refused:
            raise forms.ValidationError(str(refused)) from refused
        return url


@admin.register(Endpoint)
class EndpointAdmin(ManagedByPermission, admin.ModelAdmin[Endpoint]):
    form = EndpointForm
    list_display = ["url", "events_column", "state_column", "created_by", "created_at"]
    list_filter = ["active"]
    readonly_fields = ["failing_since", "disabled_at", "disabled_reason", "created_by"]

    @admin.display(description="events")
    def events_column(self, endpoint: Endpoint) -> str:
        return ", ".join(endpoint.events)

    @admin.display(description="state")
    def state_column(self, endpoint: Endpoint) -> str:
        if endpoint.disabled_at:
            return format_html(
                '<strong style="color:#ba2121">disabled</strong> {}: {}',
                f"{endpoint.disabled_at:%Y-%m-%d %H:%M}",
                endpoint.disabled_reason,
            )
        if not endpoint.active:
            return "off"
        if endpoint.failing_since:
            return format_html("failing since {}", f"{endpoint.failing_since:%Y-%m-%d %H:%M}")
        return "on"

    def save_model(self, request: HttpRequest, obj: Endpoint, form: Any, change: bool) -> None:
        fields = {name: form.cleaned_data[name] for name in EndpointForm.Meta.fields}
        if change:
            endpoint_update(endpoint=Endpoint.objects.get(pk=obj.pk), **fields)
            return
        created = endpoint_create(**fields, created_by=request.user)  # type: ignore[arg-type]
        obj.pk = created.pk
        self.message_user(
            request,
            f"Signing secret (shown only now; copy it to the receiver): {created.secret}",
            messages.WARNING,
        )


class AttemptInline(admin.TabularInline[Attempt, Delivery]):
    model = Attempt
    extra = 0
    can_delete = False
    fields = ("number", "at", "ok", "status_code", "error", "response_excerpt", "duration_ms")
    readonly_fields = fields

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_webhooks(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.action(description="Redeliver selected deliveries (same message id)")
def redeliver(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
    count = 0
    for delivery in queryset:
        delivery_redeliver(delivery=delivery)
        count += 1
    modeladmin.message_user(request, f"Queued again: {count} deliveries.", messages.SUCCESS)


@admin.register(Delivery)
class DeliveryAdmin(ManagedByPermission, admin.ModelAdmin[Delivery]):
    list_display = [
        "message_id",
        "event",
        "endpoint",
        "state",
        "attempts",
        "last_status_code",
        "last_error",
        "next_attempt_at",
        "created_at",
    ]
    list_filter = ["state", "event", "endpoint"]
    list_select_related = ["endpoint"]
    search_fields = ["message_id", "comment_id"]
    actions = [redeliver]
    inlines = [AttemptInline]
    readonly_fields = [
        "endpoint",
        "message_id",
        "event",
        "comment_id",
        "state",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "created_at",
        "delivered_at",
        "payload",
    ]
    fields = tuple(readonly_fields)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
