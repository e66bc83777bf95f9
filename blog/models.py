"""Blog posts, their categories and tags, and when their comments are open."""

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit

from django.db import connection, models
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from comments.conf import comments_setting


class Category(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def old_address_key(url: str) -> str:
    """Return the path by which an old address is looked up ("" for none).

    `/2007/04/05/x/`, `/2007/04/05/x`, `https://old.example/2007/04/05/x/?p=1` and the
    percent-encoded spelling of the same path all give `/2007/04/05/x`: links to an old
    post exist in every one of these forms.
    """
    try:
        path = unquote(urlsplit(url.strip()).path)
    except ValueError:  # an unparseable address (e.g. a broken IPv6 host) names no post
        return ""
    path = "/" + path.strip("/")
    return "" if path == "/" or "\x00" in path else path[:500]


def post_render(body: str) -> str:
    """Return a post body's HTML: the author's Markdown, through the configured sanitizer."""
    from comments.sanitize import render_post

    return render_post(body, backend=comments_setting("SANITIZER"))


class PostStamp(NamedTuple):
    """A post as a thread read needs it: which, when its comments changed, shown from when."""

    post_id: int
    slug: str
    changed_at: datetime
    shown_from: datetime | None  # None: a draft


def _aware(value: datetime | str) -> datetime:
    """Return a datetime read by raw SQL as Django's ORM would (SQLite gives text)."""
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is None:
        raise ValueError(f"not a date and time: {value!r}")
    return timezone.make_aware(moment, UTC) if timezone.is_naive(moment) else moment


def _converted(field: models.Field[Any, Any], value: Any) -> Any:
    """Return a column's value read by plain SQL as the ORM would give it (SQLite: text, 0/1)."""
    expression = field.get_col(field.model._meta.db_table)
    converters = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)
    for convert in converters:
        value = convert(value, expression, connection)
    return value


class PostQuerySet(models.QuerySet["Post"]):
    def published(self) -> "PostQuerySet":
        """Posts a reader may see: not drafts, and not scheduled for later."""
        return self.filter(is_draft=False, published_at__lte=timezone.now())

    def comments_touch(self, post_ids: Iterable[int]) -> list[PostStamp]:
        """Move the comments' change stamp of these posts to now; return each one's stamp.

        One statement (UPDATE ... RETURNING) on every status change: the stamps are what
        the cache keeps for thread reads (comments.stamps), exactly as committed.
        """
        ids = sorted(set(post_ids))
        if not ids:
            return []
        now = timezone.now()
        ops = connection.ops
        q = ops.quote_name
        marks = ", ".join(["%s"] * len(ids))
        sql = (  # names come from the model and are quoted; every value is a parameter
            f"UPDATE {q(Post._meta.db_table)} SET {q('comments_changed_at')} = %s "  # noqa: S608
            f"WHERE {q('id')} IN ({marks}) "
            f"RETURNING {q('id')}, {q('slug')}, {q('is_draft')}, {q('published_at')}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [ops.adapt_datetimefield_value(now), *ids])
            rows = cursor.fetchall()
        return [
            PostStamp(post_id, slug, now, None if is_draft else _aware(published_at))
            for post_id, slug, is_draft, published_at in rows
        ]

    def published_with(self, slug: str, fields: Sequence[str]) -> "Post | None":
        """Return the published post `slug` with only `fields` read (as `.only()`), or None.

        One plain statement: every submit asks, and the ORM took longer to build the query
        than the database took to answer it. Values are converted as the ORM converts them.
        It reads the table, as `comments_touch` writes it: this queryset's filters do not apply.
        """
        ops = connection.ops
        q = ops.quote_name
        concrete = {field.name: field for field in Post._meta.concrete_fields}
        read = [concrete[name] for name in fields]
        columns = ", ".join(q(str(field.column)) for field in read)
        sql = (  # names come from the model and are quoted; every value is a parameter
            f"SELECT {columns} FROM {q(Post._meta.db_table)} "  # noqa: S608
            f"WHERE {q('slug')} = %s AND NOT {q('is_draft')} AND {q('published_at')} <= %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [slug, ops.adapt_datetimefield_value(timezone.now())])
            row = cursor.fetchone()  # the slug is unique
        if row is None:
            return None
        values = [_converted(field, value) for field, value in zip(read, row, strict=True)]
        return Post.from_db(connection.alias, [field.attname for field in read], values)

    def at_old_address(self, url: str) -> "PostQuerySet":
        """Posts whose front-matter `url` (their old address) is `url`, in any spelling."""
        key = old_address_key(url)
        return self.filter(old_path=key) if key else self.none()


class Post(models.Model):
    class ModerationMode(models.TextChoices):
        PRE = "pre", "Pre-moderation: every comment waits for a moderator unless trusted"
        POST = "post", "Post-moderation: publish unless the scorer objects"

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    author = models.CharField(max_length=150, blank=True)
    body = models.TextField(blank=True, help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    is_draft = models.BooleanField(default=False)
    published_at = models.DateTimeField(default=timezone.now, db_index=True)
    url = models.URLField(
        max_length=500,
        blank=True,
        help_text="The post's address on the old site, or its canonical address elsewhere.",
    )
    # `url`'s path, normalised: the old address answers 301 to this post (and ?url= finds it).
    old_path = models.CharField(max_length=500, blank=True, db_index=True, editable=False)
    categories = models.ManyToManyField(Category, blank=True, related_name="posts")
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts")
    comments_enabled = models.BooleanField(default=True)
    close_comments_after_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Close comments this many days after publishing; empty = the site default.",
    )
    moderation_mode = models.CharField(
        max_length=4, choices=ModerationMode.choices, default=ModerationMode.POST
    )
    # The thread circuit breaker (moderation.breaker): a spike on this post holds every new
    # comment for a moderator until this time, and why; null when closed.
    breaker_until = models.DateTimeField(null=True, blank=True, editable=False)
    breaker_reason = models.CharField(max_length=300, blank=True, editable=False)
    extra = models.JSONField(
        default=dict, blank=True, help_text="Front-matter keys kept from an import."
    )
    comments_changed_at = models.DateTimeField(default=timezone.now, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()
    _loaded_slug: str | None = None  # the slug its cached thread stamp is kept under

    class Meta:
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        from comments.stamps import stamps_forget

        self.derive()
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        stamps_forget({self.slug, self._loaded_slug or self.slug})
        self._loaded_slug = self.slug

    def get_absolute_url(self) -> str:
        return reverse("blog:post-detail", kwargs={"slug": self.slug})

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        from comments.stamps import stamps_forget

        slug = self.slug
        deleted = super().delete(*args, **kwargs)
        stamps_forget([slug])
        return deleted

    def derive(self) -> None:
        """Work out the columns kept from others: the rendered body, the old address's key."""
        self.body_html = post_render(self.body)
        self.old_path = old_address_key(self.url)

    @classmethod
    def from_db(cls, *args: Any, **kwargs: Any) -> "Post":
        """Remember the slug a post was read with: its cached thread stamp is kept under it."""
        post = super().from_db(*args, **kwargs)
        post._loaded_slug = post.__dict__.get("slug")
        return post

    @property
    def public_url(self) -> str:
        """The address readers use: the imported canonical URL, or our own page."""
        return self.url or self.get_absolute_url()

    @property
    def is_published(self) -> bool:
        return not self.is_draft and self.published_at <= timezone.now()

    @property
    def comments_close_at(self) -> datetime | None:
        days = self.close_comments_after_days
        if days is None:
            days = comments_setting("CLOSE_AFTER_DAYS")
        if days is None:
            return None
        try:
            return self.published_at + timedelta(days=days)
        except OverflowError:  # past the year 9999: never closes
            return None

    @property
    def breaker_open(self) -> bool:
        """Whether a spike holds this post's new comments for a moderator right now."""
        return self.breaker_until is not None and self.breaker_until > timezone.now()

    @property
    def comments_open(self) -> bool:
        """Whether a reader may comment now: enabled, published and not closed by age."""
        if not (self.comments_enabled and self.is_published):
            return False
        close_at = self.comments_close_at
        return close_at is None or timezone.now() < close_at


def posts_create(posts: list[Post]) -> None:
    """Insert new posts in one statement, each prepared and forgotten as `Post.save` does.

    For an import that creates thousands of posts: one INSERT (ids set on the objects)
    instead of a statement and a commit per post. No signal is sent, as for any bulk insert.
    """
    from comments.stamps import stamps_forget

    if not posts:
        return
    for post in posts:
        post.derive()
    Post.objects.bulk_create(posts)
    if any(post.pk is None for post in posts):  # a database that returns no ids
        raise RuntimeError("the database did not return the new posts' ids")
    stamps_forget({post.slug for post in posts})
    for post in posts:
        post._loaded_slug = post.slug
