"""Posts in the API: anyone lists and reads published posts; moderators create and close them."""

from datetime import datetime
from typing import Any

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from blog.models import Post
from comments.models import shown_q
from comments.permissions import IsModerator, is_moderator


class PostOutput(serializers.ModelSerializer[Post]):
    url = serializers.SerializerMethodField()
    comments_open = serializers.BooleanField(read_only=True)
    comment_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Post
        fields = [
            "slug",
            "title",
            "url",
            "published_at",
            "comments_enabled",
            "comments_open",
            "comment_count",
        ]
        read_only_fields = fields

    def get_url(self, post: Post) -> str:
        request = self.context.get("request")
        url = post.public_url
        return request.build_absolute_uri(url) if request and url.startswith("/") else url


class ModeratorPost(PostOutput):
    """What moderators also see of a post: its moderation mode and the thread breaker."""

    breaker_until = serializers.SerializerMethodField()
    breaker_reason = serializers.SerializerMethodField()

    class Meta(PostOutput.Meta):
        fields = [*PostOutput.Meta.fields, "moderation_mode", "breaker_until", "breaker_reason"]
        read_only_fields = fields

    def get_breaker_until(self, post: Post) -> datetime | None:
        """Until when a spike keeps the post in pre-moderation; null once it has closed."""
        return post.breaker_until if post.breaker_open else None

    def get_breaker_reason(self, post: Post) -> str:
        return post.breaker_reason if post.breaker_open else ""


def post_serializer(request: Request) -> type[PostOutput]:
    return ModeratorPost if is_moderator(request.user) else PostOutput


class PostInput(serializers.ModelSerializer[Post]):
    class Meta:
        model = Post
        fields = [
            "title",
            "slug",
            "body",
            "comments_enabled",
            "published_at",
            "moderation_mode",
            "is_draft",
            "close_comments_after_days",
        ]
        extra_kwargs = {"published_at": {"required": False}}


def posts_with_counts() -> QuerySet[Post]:
    return Post.objects.annotate(comment_count=Count("comments", filter=shown_q("comments__")))


OLD_ADDRESS = OpenApiParameter(
    "url",
    str,
    description=(
        "Only the post whose front matter gave this old address, e.g. "
        "/2007/04/05/some-post/ (with or without the trailing slash, or as a full URL); "
        "an empty list when no post has it."
    ),
)


@extend_schema_view(
    get=extend_schema(parameters=[OLD_ADDRESS]),
    post=extend_schema(request=PostInput, responses={201: ModeratorPost}),
)
class PostListView(generics.ListCreateAPIView[Post]):
    serializer_class = PostOutput

    def get_serializer_class(self) -> type[PostOutput]:
        return post_serializer(self.request)

    def get_permissions(self) -> list[Any]:
        return [IsModerator()] if self.request.method == "POST" else []

    def get_queryset(self) -> QuerySet[Post]:
        published = Post.objects.published()
        if "url" in self.request.query_params:
            published = published.at_old_address(self.request.query_params["url"])
        return posts_with_counts().filter(pk__in=published).order_by("-published_at", "pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        data = PostInput(data=request.data)
        data.is_valid(raise_exception=True)
        post = posts_with_counts().get(pk=data.save().pk)
        location = request.build_absolute_uri(f"{request.path}{post.slug}/")
        return Response(
            ModeratorPost(post, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )


@extend_schema_view(
    put=extend_schema(request=PostInput, responses=ModeratorPost),
    patch=extend_schema(request=PostInput, responses=ModeratorPost),
)
class PostDetailView(generics.RetrieveUpdateAPIView[Post]):
    serializer_class = PostOutput
    lookup_field = "slug"

    def get_serializer_class(self) -> type[PostOutput]:
        return post_serializer(self.request)

    def get_permissions(self) -> list[Any]:
        return [IsModerator()] if self.request.method not in ("GET", "HEAD", "OPTIONS") else []

    def get_queryset(self) -> QuerySet[Post]:
        posts = posts_with_counts()
        if not is_moderator(self.request.user):
            posts = posts.filter(pk__in=Post.objects.published())
        return posts

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        post = get_object_or_404(Post, slug=kwargs["slug"])
        data = PostInput(post, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        self.kwargs["slug"] = data.save().slug
        return self.retrieve(request, *args, **kwargs)
