"""A comment, its place in the thread, and the record of every change of its status."""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone

from blog.models import Post
from comments.conf import comments_setting

PATH_STEP = 10  # digits per level of thread_path: ids up to 9,999,999,999


class Status(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SPAM = "spam", "Spam"
    REMOVED = "removed", "Removed by its author"


class Kind(models.TextChoices):
    """What kind of comment: written by a reader, or a notice that another site linked here."""

    COMMENT = "comment", "Comment"
    PINGBACK = "pingback", "Pingback"
    TRACKBACK = "trackback", "Trackback"


def shown_q(prefix: str = "") -> Q:
    """Return the condition for a comment the public sees (pingbacks only if shown)."""
    shown = Q(**{f"{prefix}status": Status.APPROVED})
    if not comments_setting("SHOW_PINGBACKS"):
        shown &= Q(**{f"{prefix}type": Kind.COMMENT})
    return shown


class CommentQuerySet(models.QuerySet["Comment"]):
    def approved(self) -> "CommentQuerySet":
        return self.filter(status=Status.APPROVED)

    def shown(self) -> "CommentQuerySet":
        """Approved comments as the public sees them (`COMMENTS["SHOW_PINGBACKS"]`)."""
        return self.filter(shown_q())

    def pending(self) -> "CommentQuerySet":
        return self.filter(status=Status.PENDING)

    def for_post(self, post: Post) -> "CommentQuerySet":
        return self.filter(post=post)

    def in_thread_order(self) -> "CommentQuerySet":
        return self.order_by("thread_path")

    def unscored(self) -> "CommentQuerySet":
        """Pending comments whose current revision has no verdict from the scorer yet."""
        # Imported comments are never scored: their decision came with them.
        return self.pending().filter(
            Q(scored_revision__isnull=True) | Q(scored_revision__lt=models.F("revision")),
            source_system="",
        )


class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    depth = models.PositiveSmallIntegerField(default=0)
    # Parent's path + own zero-padded id: sorting by it gives the thread in reading order.
    thread_path = models.CharField(max_length=1000, unique=True, editable=False)
    type = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COMMENT)

    author_name = models.CharField(max_length=200)  # COMMENTS["MAX_NAME_LENGTH"] up to 200
    author_email = models.EmailField(max_length=254)
    author_url = models.URLField(max_length=500, blank=True)
    avatar_hash = models.CharField(max_length=64, blank=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )

    body_source = models.TextField()
    body_html = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    revision = models.PositiveIntegerField(default=1)

    # Request context, kept for spam checks (and Akismet's submit-spam/ham); never public.
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    # The /24 (IPv4) or /64 (IPv6) around ip_address: reputation is kept per network too.
    ip_network = models.CharField("IP network", max_length=50, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    referrer = models.CharField(max_length=500, blank=True)

    # An anonymous submit that carried no form token (a spam signal; see FORM_TOKEN_MISSING).
    sent_without_form_token = models.BooleanField(default=False, editable=False)

    edit_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    edit_expires_at = models.DateTimeField(null=True, blank=True)

    spam_score = models.FloatField(null=True, blank=True)
    spam_reasons = models.JSONField(default=list, blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)
    scored_revision = models.PositiveIntegerField(null=True, blank=True)

    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    # Where an imported comment came from; all blank for comments written here.
    source_system = models.CharField(max_length=20, blank=True)
    source_id = models.CharField(max_length=200, blank=True)
    source_status = models.CharField(max_length=50, blank=True)
    source_parent = models.CharField(max_length=200, blank=True)
    source_post = models.CharField(max_length=500, blank=True)
    # Original fields the model has no column for (WordPress commentmeta, Disqus flags…).
    source_extra = models.JSONField(default=dict, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["thread_path"]
        indexes = [
            models.Index(fields=["post", "status", "thread_path"], name="comment_thread_page"),
            models.Index(fields=["status", "created_at"], name="comment_queue"),
            # The moderation queue's order (highest score first; the admin adds -id): a
            # page is read off the index instead of sorting every queued comment.
            models.Index(
                fields=["status", "-spam_score", "-created_at", "-id"], name="comment_queue_score"
            ),
            models.Index(fields=["author_email", "status"], name="comment_author_history"),
            # Submit checks match the author case-insensitively (duplicates, floods).
            models.Index(Upper("author_email"), "created_at", name="comment_author_recent"),
            models.Index(fields=["ip_address", "status"], name="comment_ip_history"),
        ]
        constraints = [
            # Running an import twice creates nothing new.
            models.UniqueConstraint(
                fields=["source_system", "source_id"],
                condition=~Q(source_system=""),
                name="comment_source_unique",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} by {self.author_name} on {self.post.slug}"

    @property
    def excerpt(self) -> str:
        text = " ".join(self.body_source.split())
        return text if len(text) <= 120 else text[:119] + "…"


class CommentEvent(models.Model):
    """One change of a comment's status: who or what, when, from, to, and why."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="history")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(
        max_length=50, help_text="'author', 'scorer', 'sweep', or the moderator's username."
    )
    from_status = models.CharField(max_length=10, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Status.choices)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status} by {self.actor_label}"


def _import_storage() -> FileSystemStorage:
    """Uploads wait under the var folder, which the web and worker processes share."""
    return FileSystemStorage(location=Path(settings.VAR_DIR) / "imports")


SITE_NAME_LENGTH = 50  # an import's site name, put before each original id


class ImportJob(models.Model):
    """An import started from the admin: the uploaded file, its progress, and its report."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for the worker"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Stopped with an error"

    file = models.FileField(storage=_import_storage, upload_to="%Y/%m/%d/")
    format = models.CharField(max_length=10, default="auto")
    dry_run = models.BooleanField(default=False)
    create_posts = models.BooleanField(default=False)
    learn = models.BooleanField(default=False)
    site = models.CharField(max_length=SITE_NAME_LENGTH, blank=True)  # ImportOptions.site
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    comments_read = models.PositiveIntegerField(default=0)
    progress = models.FloatField(default=0.0, help_text="How much of the file is read, 0 to 1.")
    report = models.JSONField(default=dict, blank=True)
    report_text = models.TextField(blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"import of {Path(self.file.name or '').name} ({self.get_state_display().lower()})"
