"""The moderators' home: the queue of comments with score, reasons and author history.

The list decides by keyboard without reloading (static/moderation/queue.js posts to the
moderation API); the change page decides one comment and can go on to the next.
"""

import json
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from comments.models import CommentEvent, Status
from comments.permissions import is_moderator
from comments.porting.export import source_record
from comments.services import comments_delete
from moderation.admin.health import health_context
from moderation.admin.notices import expected_rates, link_evidence, queue_notices
from moderation.models import Ban, QueuedComment, Reputation
from moderation.services import ACTIONS, comment_moderate, thresholds_in_effect
from moderation.stats import moderation_stats

DECISIONS = [
    ("approve", "Approve"),
    ("reject", "Reject"),
    ("spam", "Spam"),
    ("ham", "Not spam"),
]


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
        "author_column",
        "status_column",
    ]
    list_filter = [StatusFilter, "post__moderation_mode", "post", "created_at"]
    search_fields = ["author_name", "author_email", "body_source", "ip_address", "post__title"]
    list_select_related = ["post"]
    ordering = ["-spam_score", "-created_at"]
    list_per_page = 50
    change_form_template = "admin/moderation/queuedcomment/change_form.html"

    class Media:
        css = {"all": ["moderation/queue.css"]}
        js = ["moderation/queue.js"]

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

    def delete_model(self, request: HttpRequest, obj: QueuedComment) -> None:
        comments_delete([obj.pk])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[QueuedComment]) -> None:
        comments_delete(list(queryset.values_list("pk", flat=True)))

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        """Attach each listed comment's author record: one query for the page's authors.

        Only the page's rows need it; as a subquery in the list's own query, the database
        would compute it for every queued comment before sorting them.
        """
        changelist = super().get_changelist_instance(request)
        listed = list(changelist.result_list)
        records = _author_records(listed)
        for comment in listed:
            comment.author_record = records.get(comment.author_email.lower())  # type: ignore[attr-defined]
        changelist.result_list = listed
        return changelist

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        """Title the page "Moderation queue"; show the thresholds in effect under it."""
        limits, source = thresholds_in_effect()
        note = (
            f"Thresholds in effect: held from score {limits.hold:.2f}, spam from "
            f"{limits.spam:.2f} ({source}).{expected_rates()}{link_evidence()}"
        )
        # Django's default heading for view-only access reads "Select comment to moderate
        # to view"; the thresholds go in the page body, not the window title. The admin's
        # navigation sidebar would take a quarter of a laptop's width here.
        context = {
            "title": "Moderation queue",
            "thresholds_note": note,
            "is_nav_sidebar_enabled": False,
            "workbench_notices": queue_notices(),
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def get_urls(self) -> list[URLPattern]:
        decide = self.admin_site.admin_view(self.decide_view)
        health = self.admin_site.admin_view(self.health_view)
        own = [
            path("<int:pk>/decide/", decide, name="moderation_queuedcomment_decide"),
            path("health/", health, name="moderation_health"),
        ]
        return own + super().get_urls()

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        """Add the decision buttons and the "ban this author" links to the comment's page."""
        comment = self.get_object(request, object_id)
        if comment is None or not is_moderator(request.user):
            return super().change_view(request, object_id, form_url, extra_context)
        context = {
            **(extra_context or {}),
            "decisions": DECISIONS,
            "decide_url": reverse("admin:moderation_queuedcomment_decide", args=[comment.pk]),
            "ban_links": _ban_links(comment),
        }
        return super().change_view(request, object_id, form_url, context)

    def health_view(self, request: HttpRequest) -> HttpResponse:
        """Is moderation working? Queue, waits, decisions per day, false holds and misses."""
        if not is_moderator(request.user):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Moderation health",
            "opts": self.model._meta,
            **health_context(moderation_stats()),
        }
        return TemplateResponse(request, "admin/moderation/health.html", context)

    def decide_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """POST a decision on one comment; go back to it, or on to the next in the queue."""
        if request.method != "POST" or not is_moderator(request.user):
            return HttpResponse("Decide with the buttons on the comment's page.", status=405)
        comment = get_object_or_404(QueuedComment, pk=pk)
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            self.message_user(request, f"Unknown decision {action!r}.", messages.ERROR)
            return HttpResponseRedirect(_change_url(comment.pk))
        comment_moderate(comment=comment, action=action, actor=request.user)  # type: ignore[arg-type]
        label = dict(DECISIONS)[action]
        self.message_user(request, f"{label}: comment #{comment.pk}.", messages.SUCCESS)
        if not request.POST.get("next"):
            return HttpResponseRedirect(_change_url(comment.pk))
        following = _next_in_queue(exclude=comment.pk)
        if following is None:
            self.message_user(request, "The queue is empty.", messages.INFO)
            return HttpResponseRedirect(reverse("admin:moderation_queuedcomment_changelist"))
        return HttpResponseRedirect(_change_url(following))

    @admin.display(description="comment", ordering="created_at")
    def excerpt_column(self, comment: QueuedComment) -> str:
        return format_html(
            "{}<br><small class='tk-post'>on {}</small>", comment.excerpt, comment.post.title
        )

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

    @admin.display(description="status", ordering="status")
    def status_column(self, comment: QueuedComment) -> str:
        return format_html(
            "<span class='tk-status'>{}</span><br><small><time datetime='{}'>{}</time></small>",
            comment.get_status_display(),
            comment.created_at.isoformat(),
            comment.created_at.strftime("%Y-%m-%d %H:%M"),
        )

    @admin.display(description="author")
    def author_column(self, comment: QueuedComment) -> str:
        record: tuple[int, int] | None
        if hasattr(comment, "author_record"):
            record = comment.author_record
        else:  # one comment's page, not the list
            record = _author_records([comment]).get(comment.author_email.lower())
        history = "first comment" if record is None else f"{record[0]} approved, {record[1]} spam"
        return format_html(
            "{}<br><small>{} · {}</small>", comment.author_name, comment.author_email, history
        )

    @admin.display(description="imported from")
    def source_view(self, comment: QueuedComment) -> str:
        source = source_record(comment)
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


def _author_records(comments: list[QueuedComment]) -> dict[str, tuple[int, int]]:
    """Return (approved, spam) by lower-case e-mail for the authors who have a record."""
    emails = {c.author_email.lower() for c in comments}
    rows = Reputation.objects.filter(kind="email", key__in=emails)
    return {key: (ham, spam) for key, ham, spam in rows.values_list("key", "ham", "spam")}


def _change_url(pk: int) -> str:
    return reverse("admin:moderation_queuedcomment_change", args=[pk])


def _next_in_queue(*, exclude: int) -> int | None:
    """Return the next pending comment in the queue's order (highest score first)."""
    pending = QueuedComment.objects.filter(status=Status.PENDING).exclude(pk=exclude)
    return pending.order_by("-spam_score", "-created_at").values_list("pk", flat=True).first()


def _ban_links(comment: QueuedComment) -> list[tuple[str, str]]:
    """Return (label, URL) pairs opening the ban form filled in for this comment's author."""
    add = reverse("admin:moderation_ban_add")
    reason = f"comment #{comment.pk}"
    targets = [("Ban this e-mail", Ban.Kind.EMAIL, comment.author_email)]
    if comment.ip_network:
        targets.append(("Ban this network", Ban.Kind.NETWORK, comment.ip_network))
    return [
        (label, f"{add}?{urlencode({'kind': kind, 'value': value, 'reason': reason})}")
        for label, kind, value in targets
    ]
