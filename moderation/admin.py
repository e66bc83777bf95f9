"""The moderators' home: the queue of comments with score, reasons and author history."""

import json
from typing import Any

from django.contrib import admin, messages
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from comments.models import CommentEvent, Status
from comments.permissions import is_moderator
from moderation.models import AlertPreference, BlockRule, QueuedComment, Reputation
from moderation.scoring.store import calibration_current
from moderation.serializers import source_fields
from moderation.services import comment_moderate, thresholds_in_effect


class StatusFilter(admin.SimpleListFilter):
    """Pending first: the queue opens on what needs a decision."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [*Status.choices, ("all", "All")]

    def choices(self, changelist: Any) -> Any:
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or Status.PENDING) == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value() or Status.PENDING
        return queryset if value == "all" else queryset.filter(status=value)


class HistoryInline(admin.TabularInline[CommentEvent, QueuedComment]):
    model = CommentEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "actor_label", "from_status", "to_status", "reason")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Moderators hold no model permission on CommentEvent; without this the inline
        # is silently left out for everyone but superusers.
        return is_moderator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _action(name: str, label: str) -> Any:
    def run(modeladmin: "QueueAdmin", request: HttpRequest, queryset: QuerySet[Any]) -> None:
        count = 0
        for comment in queryset:
            comment_moderate(comment=comment, action=name, actor=request.user)  # type: ignore[arg-type]
            count += 1
        modeladmin.message_user(request, f"{label}: {count} comment(s).", messages.SUCCESS)

    run.__name__ = f"action_{name}"
    return admin.action(description=f"{label} selected comments", permissions=["moderate"])(run)


@admin.register(QueuedComment)
class QueueAdmin(admin.ModelAdmin[QueuedComment]):
    list_display = [
        "excerpt_column",
        "score_column",
        "reasons_column",
        "post",
        "author_column",
        "status",
        "created_at",
    ]
    list_filter = [StatusFilter, "post__moderation_mode", "post", "created_at"]
    search_fields = ["author_name", "author_email", "body_source", "ip_address", "post__title"]
    list_select_related = ["post"]
    ordering = ["-spam_score", "-created_at"]
    list_per_page = 50
    actions = [
        _action("approve", "Approve"),
        _action("reject", "Reject"),
        _action("spam", "Mark as spam"),
        _action("ham", "Not spam (approve)"),
    ]
    inlines = [HistoryInline]
    readonly_fields = [
        "post",
        "parent",
        "status",
        "author_name",
        "author_email",
        "author_url",
        "ip_address",
        "user_agent",
        "referrer",
        "body_source",
        "rendered_body",
        "score_column",
        "reasons_column",
        "author_column",
        "scored_at",
        "moderated_by",
        "moderated_at",
        "created_at",
        "edited_at",
        "revision",
        "type",
        "source_view",
    ]
    fields = tuple(readonly_fields)

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return is_moderator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_moderator(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_moderator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def get_queryset(self, request: HttpRequest) -> QuerySet[QueuedComment]:
        """The queue, each row with its author's record read in the same query (no N+1)."""
        record = Reputation.objects.filter(kind="email", key=Lower(OuterRef("author_email")))
        return (
            super()
            .get_queryset(request)
            .annotate(
                author_ham=Subquery(record.values("ham")[:1]),
                author_spam=Subquery(record.values("spam")[:1]),
            )
        )

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        """Title the page "Moderation queue"; show the thresholds in effect under it."""
        limits, source = thresholds_in_effect()
        note = (
            f"Thresholds in effect: held from score {limits.hold:.2f}, spam from "
            f"{limits.spam:.2f} ({source}).{expected_rates()}"
        )
        # Django's default heading for view-only access reads "Select comment to moderate
        # to view"; the thresholds go in the page body, not the window title.
        context = {"title": "Moderation queue", "thresholds_note": note, **(extra_context or {})}
        return super().changelist_view(request, context)

    @admin.display(description="comment")
    def excerpt_column(self, comment: QueuedComment) -> str:
        return comment.excerpt

    @admin.display(description="score", ordering="spam_score")
    def score_column(self, comment: QueuedComment) -> str:
        return "not scored yet" if comment.spam_score is None else f"{comment.spam_score:.2f}"

    @admin.display(description="why")
    def reasons_column(self, comment: QueuedComment) -> str:
        reasons = comment.spam_reasons or []
        return format_html(
            "<ul class='reasons'>{}</ul>",
            format_html_join("", "<li>{}</li>", ((r,) for r in reasons)),
        )

    @admin.display(description="author")
    def author_column(self, comment: QueuedComment) -> str:
        ham, spam = getattr(comment, "author_ham", None), getattr(comment, "author_spam", None)
        history = "first comment" if ham is None else f"{ham} approved, {spam} spam"
        return format_html(
            "{}<br><small>{} · {}</small>", comment.author_name, comment.author_email, history
        )

    @admin.display(description="imported from")
    def source_view(self, comment: QueuedComment) -> str:
        source = source_fields(comment)
        if source is None:
            return "not imported (written here)"
        extra = json.dumps(source.pop("extra"), ensure_ascii=False, indent=1, sort_keys=True)
        rows = format_html_join("", "<dt>{}</dt><dd>{}</dd>", source.items())
        return format_html(
            "<dl class='source'>{}<dt>extra</dt><dd><pre>{}</pre></dd></dl>", rows, extra
        )

    @admin.display(description="body as published")
    def rendered_body(self, comment: QueuedComment) -> str:
        # body_html was sanitized when it was written; it is what the post page shows.
        published = mark_safe(comment.body_html)  # noqa: S308
        return format_html("<div class='comment-body'>{}</div>", published)


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


def expected_rates() -> str:
    """Return the rates the calibration expects on new comments, 95% intervals, or ''."""
    calibrated = calibration_current()
    found = calibrated.expected if calibrated else {}
    names = {"fpr": "readers marked spam", "recall": "spam caught", "held": "held"}
    cells = [
        f"{label} {found[key][0]:.1%} ({found[key][1]:.1%}-{found[key][2]:.1%})"
        for key, label in names.items()
        if isinstance(found.get(key), list) and len(found[key]) == 3
    ]
    return f" Expected on new comments: {', '.join(cells)}." if cells else ""


@admin.register(AlertPreference)
class AlertPreferenceAdmin(admin.ModelAdmin[AlertPreference]):
    """Each moderator's choice of alerts: immediately (the default), a daily digest, or none."""

    list_display = ["user", "alerts", "updated_at"]
    list_filter = ["alerts"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user"]


from moderation import import_admin  # noqa: E402, F401 (registers the import page)
