"""Atom feeds of approved comments, site-wide and per post (Django's syndication framework).

Only what the public thread shows: author name and website, the sanitized body, dates.
Never e-mail addresses, IPs or anything not approved; comments on drafts stay out.
"""

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from blog.models import Post
from comments.models import Comment

FEED_ITEMS = 50


def approved_comments() -> QuerySet[Comment]:
    """Approved comments on published posts, newest first."""
    return (
        Comment.objects.approved()
        .filter(post__in=Post.objects.published())
        .select_related("post")
        .order_by("-created_at", "-pk")
    )


class SiteCommentsFeed(Feed[Comment, None]):
    feed_type = Atom1Feed
    title = "Latest comments"
    subtitle = "The newest published comments on every post."

    def link(self) -> str:
        return reverse("blog:post-list")

    def feed_url(self) -> str:
        return reverse("comments-feed")

    def items(self) -> QuerySet[Comment]:
        return approved_comments()[:FEED_ITEMS]

    def item_title(self, item: Comment) -> str:
        return f"{item.author_name} on {item.post.title}"

    def item_description(self, item: Comment) -> str:
        return item.body_html  # sanitized when it was written

    def item_link(self, item: Comment) -> str:
        return f"{item.post.get_absolute_url()}#tk-comment-{item.pk}"

    def item_guid(self, item: Comment) -> str:
        return self.item_link(item)

    def item_author_name(self, item: Comment) -> str:
        return item.author_name

    def item_author_link(self, item: Comment) -> str | None:
        return item.author_url or None

    def item_pubdate(self, item: Comment) -> datetime:
        return item.created_at

    def item_updateddate(self, item: Comment) -> datetime:
        return item.edited_at or item.created_at


class PostCommentsFeed(SiteCommentsFeed):
    """The approved comments of one published post (404 for drafts and unknown slugs)."""

    def get_object(self, request: HttpRequest, slug: str) -> Post:  # type: ignore[override]
        return get_object_or_404(Post.objects.published(), slug=slug)

    def title(self, obj: Post) -> str:  # type: ignore[override]
        return f"Comments on {obj.title}"

    def subtitle(self, obj: Post) -> str:  # type: ignore[override]
        return f"Published comments on “{obj.title}”, newest first."

    def link(self, obj: Post) -> str:  # type: ignore[override]
        return obj.get_absolute_url()

    def feed_url(self, obj: Post) -> str:  # type: ignore[override]
        return reverse("post-comments-feed", kwargs={"slug": obj.slug})

    def items(self, obj: Post) -> QuerySet[Comment]:  # type: ignore[override]
        return approved_comments().filter(post=obj)[:FEED_ITEMS]
