"""Which post a source thread belongs to: --map, wordpress_id, old address, slug, or a new post."""

import csv
from pathlib import Path
from urllib.parse import urlsplit

from django.utils import timezone
from django.utils.text import slugify

from blog.models import Post, posts_create
from comments.porting.records import FileError, SourceThread


def url_path(url: str) -> str:
    """Return the path of an address, without a trailing slash ('' when there is none)."""
    return urlsplit(url.strip()).path.rstrip("/") if url.strip() else ""


def read_map(path: Path) -> dict[str, str]:
    """Read a CSV of `old url, path or id` → `post slug` rows (a header row is allowed)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = [row for row in csv.reader(handle) if row and any(cell.strip() for cell in row)]
    except (OSError, UnicodeDecodeError) as exc:
        raise FileError(f"cannot read the map file {path}: {exc}") from exc
    mapping: dict[str, str] = {}
    for number, row in enumerate(rows, 1):
        if len(row) < 2 or not row[1].strip():
            raise FileError(
                f"{path}: each row needs two columns: old address or id, post slug", line=number
            )
        mapping[row[0].strip()] = row[1].strip()
    mapping.pop("source", None)
    mapping.pop("old", None)
    return mapping


# A post is known by its id, or, until `save_new` inserts it, by the object to insert.
Found = int | Post


def post_id(found: Found) -> int:
    """Return the id of a found post (a new one must have been saved by `save_new`)."""
    if isinstance(found, int):
        return found
    if found.pk is None:
        raise RuntimeError(f"post {found.slug!r} is used before it is saved")
    return found.pk


class PostMatcher:
    """Finds the post for each thread, creating one with `create` (from the export's data).

    New posts are inserted together (`save_new`), in the transaction of the batch of
    comments that first needs them, not each by its own statement and commit; until then
    they are found, by later threads too, as objects.
    """

    def __init__(self, *, mapping: dict[str, str] | None = None, create: bool = False) -> None:
        self.mapping = mapping or {}
        self.create = create
        self.by_wordpress_id: dict[str, Found] = {}
        self.by_path: dict[str, Found] = {}
        self.by_slug: dict[str, Found] = {}
        self.new: list[Post] = []
        for pk, slug, url, extra in Post.objects.values_list("pk", "slug", "url", "extra"):
            self._remember(pk, slug, url, extra)

    def _remember(self, pk: Found, slug: str, url: str, extra: object) -> None:
        self.by_slug[slug] = pk
        if url_path(url):
            self.by_path.setdefault(url_path(url), pk)
        if isinstance(extra, dict) and extra.get("wordpress_id") not in (None, ""):
            self.by_wordpress_id.setdefault(str(extra["wordpress_id"]), pk)

    def find(self, thread: SourceThread) -> Found | None:
        """Return the matching post's id, or None."""
        for key in (thread.key, thread.url, url_path(thread.url), thread.wordpress_id):
            if key and key in self.mapping:
                return self.by_slug.get(self.mapping[key])
        candidates = (
            self.by_wordpress_id.get(thread.wordpress_id),
            self.by_path.get(url_path(thread.url)) if url_path(thread.url) else None,
            self.by_slug.get(thread.slug),
        )
        return next((pk for pk in candidates if pk is not None), None)

    def create_post(self, thread: SourceThread) -> Found:
        """Make a post from the thread's title, date, content and open/closed state.

        It is inserted by the next `save_new`.
        """
        base = (thread.slug or slugify(thread.title) or slugify(f"thread {thread.key}"))[:190]
        base = base or "imported"
        slug, number = base, 1
        while slug in self.by_slug:
            number += 1
            slug = f"{base}-{number}"
        url = thread.url if thread.url.startswith(("http://", "https://", "/")) else ""
        post = Post(
            slug=slug,
            title=(thread.title or slug)[:300],
            body=thread.content,
            published_at=thread.published_at or timezone.now(),
            comments_enabled=thread.open,
            url=url[:500],
            extra={"wordpress_id": thread.wordpress_id} if thread.wordpress_id else {},
        )
        self.new.append(post)
        self._remember(post, post.slug, post.url, post.extra)
        return post

    def save_new(self) -> None:
        """Insert the posts made since the last call."""
        posts_create(self.new)
        self.new = []
