"""Clusters in the admin: each wave with its size, what it shares, and one action for all."""

from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from comments.permissions import is_moderator
from moderation.admin.access import ModeratorsView
from moderation.clusters import cluster_moderate, clusters_queued
from moderation.models import Cluster

LABELS = {"approve": "Approve", "reject": "Reject", "spam": "Mark as spam", "ham": "Not spam"}


def _cluster_action(name: str) -> Any:
    def run(modeladmin: "ClusterAdmin", request: HttpRequest, queryset: QuerySet[Any]) -> None:
        actor = cast(User, request.user)
        count = sum(len(cluster_moderate(cluster=c, action=name, actor=actor)) for c in queryset)
        modeladmin.message_user(request, f"{LABELS[name]}: {count} comment(s).", messages.SUCCESS)

    run.__name__ = f"cluster_{name}"
    description = f"{LABELS[name]}: every queued comment of the selected clusters"
    return admin.action(description=description, permissions=["moderate"])(run)


@admin.register(Cluster)
class ClusterAdmin(ModeratorsView, admin.ModelAdmin[Cluster]):
    """The waves in the queue, largest first (computed by the worker, read in constant queries)."""

    list_display = ["sample_column", "size_column", "shared_column", "updated_at"]
    list_display_links = None
    actions = [_cluster_action(name) for name in LABELS]

    class Media:
        css = {"all": ["moderation/queue.css"]}

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        """Title the page for what it lists, not Django's "Select cluster to view"."""
        context = {
            "title": "Waves of similar comments in the queue",
            **(extra_context or {}),
            "is_nav_sidebar_enabled": False,
        }
        return super().changelist_view(request, context)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Cluster]:
        return clusters_queued()

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return is_moderator(request.user)

    @admin.display(description="sample")
    def sample_column(self, cluster: Cluster) -> str:
        return cluster.sample

    @admin.display(description="queued", ordering="queued")
    def size_column(self, cluster: Cluster) -> int:
        return int(getattr(cluster, "queued", cluster.size))

    @admin.display(description="shared by members")
    def shared_column(self, cluster: Cluster) -> str:
        rows = [
            (name.replace("_", " "), value, count)
            for name, values in (cluster.shared or {}).items()
            for value, count in values.items()
        ]
        if not rows:
            return "near-duplicate text"
        items = format_html_join("", "<li>{}: {} ({})</li>", rows)
        return format_html("<ul class='reasons'><li>near-duplicate text</li>{}</ul>", items)
