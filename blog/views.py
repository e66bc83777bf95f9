"""Server-rendered post list and post pages: the approved thread is readable without JS."""

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.defaults import page_not_found

from blog.models import Post
from comments.models import Comment, shown_q

THREAD_LIMIT = 500


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


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 for unknown URLs: DRF's JSON shape under /api/, the plain page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)
