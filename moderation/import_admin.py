"""The admin's import page: upload an export, the worker imports it, the page shows the report."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest
from django.utils.html import format_html

from comments.models import ImportJob
from comments.permissions import is_moderator
from comments.porting.importer import READERS


class ImportJobForm(forms.ModelForm[ImportJob]):
    format = forms.ChoiceField(
        choices=[("auto", "Detect from the file"), *((name, name) for name in READERS)],
        initial="auto",
    )

    class Meta:
        model = ImportJob
        fields = ["file", "format", "dry_run", "create_posts", "learn", "site"]
        help_texts = {
            "file": "WordPress WXR, Disqus XML, Isso comments.db, Remark42 backup or a "
            "Threadkeeper JSON export.",
            "dry_run": "Read and match everything, save nothing: the report says what would be.",
            "create_posts": "Create a post for each thread no post matches.",
            "learn": "Teach the spam scorer from the imported spam and approved comments.",
            "site": "Only for a second site's export of the same kind (a second WordPress "
            "blog, say): a name for that site, which keeps its comment ids apart from the "
            "first's. Leave empty otherwise.",
        }


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin[ImportJob]):
    form = ImportJobForm
    list_display = ["__str__", "state", "comments_read", "created_by", "created_at"]
    readonly_fields = ["state", "progress_bar", "error", "report_view", "created_by", "created_at"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ImportJobForm.Meta.fields
        return ["state", "progress_bar", "error", "report_view", "created_by", "created_at"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_moderator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_moderator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_moderator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ImportJob, form: Any, change: bool) -> None:
        from moderation.tasks import import_comments

        obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
        job_id = obj.pk
        transaction.on_commit(lambda: import_comments.delay(job_id), robust=True)

    @admin.display(description="progress")
    def progress_bar(self, job: ImportJob) -> str:
        return format_html(
            '<progress value="{}" max="1"></progress> {} comments read',
            f"{job.progress:.3f}",
            job.comments_read,
        )

    @admin.display(description="report")
    def report_view(self, job: ImportJob) -> str:
        return format_html("<pre>{}</pre>", job.report_text or "not finished yet")
