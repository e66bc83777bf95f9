"""Server-rendered post list and post pages: the approved thread is readable without JS."""

from pathlib import Path

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from blog.models import Post
from comments.models import Comment, shown_q

THREAD_LIMIT = 500
FAVICON = Path(__file__).resolve().parent / "static" / "blog" / "favicon.ico"


def post_list(request: HttpRequest) -> HttpResponse:
    posts = (
        Post.objects.published()
        .annotate(comment_count=Count("comments", filter=shown_q("comments__")))
        .prefetch_related("categories", "tags")
        .order_by("-published_at", "pk")  # GROUP BY drops Meta.ordering
    )
    page = Paginator(posts, 20).get_page(request.GET.get("page"))
    return render(request, "blog/post_list.html", {"page": page})


def post_detail(request: HttpRequest, slug: str) -> HttpResponse:
    post = get_object_or_404(Post.objects.published(), slug=slug)
    thread = Comment.objects.shown().for_post(post).in_thread_order()[:THREAD_LIMIT]
    return render(request, "blog/post_detail.html", {"post": post, "thread": thread})


@require_safe
@cache_control(public=True, max_age=7 * 24 * 3600)
def favicon(request: HttpRequest) -> HttpResponse:
    """The site icon at /favicon.ico, where browsers ask for it on every kind of page."""
    return HttpResponse(FAVICON.read_bytes(), content_type="image/x-icon")
