"""The public comment API: thread listing, submit, read back, author edit/delete, counts."""

from typing import Any

from django.db.models import Count
from django.http import Http404, HttpResponse
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from blog.models import Post
from comments import checks, idempotency, pages, sanitize, services, stamps
from comments.clientip import client_ip
from comments.conf import comments_setting
from comments.guard import Submission, submit_guard
from comments.models import Comment, Status
from comments.schema import IDEMPOTENCY_KEY
from comments.serializers import (
    CommentEditInput,
    CommentInput,
    OwnComment,
    PreviewInput,
    PublicComment,
    SubmittedComment,
    input_limits,
)
from comments.thread_reads import if_none_match, thread_etag
from comments.throttles import (
    PreviewThrottle,
    SubmitIPThrottle,
    SubmitPostThrottle,
    author_lock,
    check_post_hourly_cap,
)

EDIT_TOKEN_HEADER = "HTTP_X_EDIT_TOKEN"  # noqa: S105 (a header name, not a secret)


class ThreadPagination(CursorPagination):
    ordering = "thread_path"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ThreadView(generics.ListCreateAPIView[Comment]):
    """GET the approved thread of a post in reading order; POST a new comment to it."""

    pagination_class = ThreadPagination
    serializer_class = PublicComment

    def get_throttles(self) -> list[Any]:
        if self.request.method == "POST":
            if idempotency.answered(idempotency.slot_for(self.request, self.kwargs["slug"])):
                return []  # a retry gets its first answer back; it is not a new submit
            return [SubmitIPThrottle(), SubmitPostThrottle()]
        return []

    def get_queryset(self) -> Any:
        return Comment.objects.shown().filter(post=self.blog_post).only(*_PUBLIC_COLUMNS)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if request.method in ("GET", "HEAD"):  # a read needs the change stamp, not the post
            stamp = stamps.thread_stamp(kwargs["slug"])
            if stamp is None:
                raise Http404("No Post matches the given query.")
            self.blog_post = Post(
                id=stamp.post_id, slug=stamp.slug, comments_changed_at=stamp.changed_at
            )
        else:  # a submit needs whether comments are open, not the post's text
            post = Post.objects.published_with(kwargs["slug"], _SUBMIT_POST_COLUMNS)
            if post is None:
                raise Http404("No Post matches the given query.")
            self.blog_post = post
        super().initial(request, *args, **kwargs)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        """Answer 304 from the change stamp, else the page rendered once per stamp."""
        changed_at = self.blog_post.comments_changed_at
        etag = thread_etag(self.blog_post.pk, changed_at, request.get_full_path())
        if etag in if_none_match(request.META.get("HTTP_IF_NONE_MATCH", "")):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        renderer = request.accepted_renderer
        if getattr(renderer, "format", "") != "json":  # the browsable API: render as usual
            response = super().list(request, *args, **kwargs)
        else:
            response = self._rendered_page(request, renderer)
        response["ETag"] = etag
        response["Cache-Control"] = "no-cache"
        return response

    def _rendered_page(self, request: Request, renderer: Any) -> Any:
        key = pages.page_key(
            self.blog_post.pk,
            self.blog_post.comments_changed_at,
            request.build_absolute_uri(),
            request.accepted_media_type,
        )
        page = pages.page_get(key)
        if page is None:
            data = super().list(request).data
            page = renderer.render(data, request.accepted_media_type, self.get_renderer_context())
            pages.page_put(key, page)
        return HttpResponse(page, content_type=renderer.media_type)

    @extend_schema(
        request=CommentInput, responses={201: SubmittedComment}, parameters=[IDEMPOTENCY_KEY]
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)  # here for the schema: create() is not read

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        slot = idempotency.slot_for(request, self.blog_post.slug)
        if slot is None:
            return self._create(request)
        return idempotency.run_once(slot, request.data, lambda: self._create(request))

    def _create(self, request: Request) -> Response:
        data = CommentInput(data=request.data)
        data.is_valid(raise_exception=True)
        submitted = self._submit(request, data.validated_data)
        body = SubmittedComment(
            submitted.comment, context={"request": request, "edit_token": submitted.edit_token}
        )
        location = reverse("comments:comment-detail", kwargs={"pk": submitted.comment.pk})
        return Response(
            body.data,
            status=status.HTTP_201_CREATED,
            headers={"Location": request.build_absolute_uri(location)},
        )

    def _submit(self, request: Request, values: dict[str, Any]) -> services.Submitted:
        check_post_hourly_cap(self.blog_post)
        parent = None
        if values.get("parent"):
            parent = Comment.objects.filter(pk=values["parent"], post=self.blog_post).first()
            if parent is None:
                raise ValidationError({"parent": ["No such comment on this post."]})
        ip = client_ip(request)
        with author_lock(values["author_email"]):
            return self._checked_submit(request, values, parent, ip)

    def _checked_submit(
        self, request: Request, values: dict[str, Any], parent: Comment | None, ip: str | None
    ) -> services.Submitted:
        spam_reason = submit_guard(
            submission=Submission(
                post_id=self.blog_post.pk,
                author_email=values["author_email"],
                body=values["body"],
                ip_address=ip,
                user_id=request.user.pk if request.user.is_authenticated else None,
                honeypot=values["homepage"],
                form_token=values["form_token"],
                api_client=request.auth is not None,
            )
        )
        without_form_token = checks.form_token_scored(
            form_token=values["form_token"], api_client=request.auth is not None
        )
        return services.comment_submit(
            post=self.blog_post,
            author_name=values["author_name"],
            author_email=values["author_email"],
            author_url=values["author_url"],
            body=values["body"],
            parent=parent,
            user=request.user,
            context=services.RequestContext(
                ip_address=ip,
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
                referrer=request.META.get("HTTP_REFERER", ""),
            ),
            status=Status.SPAM if spam_reason else Status.PENDING,
            status_reason=(
                f"{services.SUBMIT_CHECK_REASON}{spam_reason}" if spam_reason else "submitted"
            ),
            without_form_token=without_form_token,
            notify_replies=values["notify_replies"],
        )


class CommentView(generics.GenericAPIView[Comment]):
    """One comment: public when approved, visible to its author (X-Edit-Token) while pending."""

    queryset = Comment.objects.select_related("post")
    serializer_class = PublicComment

    def get(self, request: Request, pk: int) -> Response:
        comment = self.get_object()
        token = request.META.get(EDIT_TOKEN_HEADER)
        if services.comment_check_token(comment, token):
            return Response(OwnComment(comment, context={"request": request}).data)
        if comment.status != Status.APPROVED:
            return Response(
                {"detail": "No Comment matches the given query."}, status=status.HTTP_404_NOT_FOUND
            )
        return Response(PublicComment(comment, context={"request": request}).data)

    @extend_schema(request=CommentEditInput, responses=OwnComment)
    def patch(self, request: Request, pk: int) -> Response:
        comment = self.get_object()
        data = CommentEditInput(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.comment_edit(
            comment=comment,
            token=request.META.get(EDIT_TOKEN_HEADER),
            body=data.validated_data["body"],
        )
        return Response(OwnComment(comment, context={"request": request}).data)

    def delete(self, request: Request, pk: int) -> Response:
        services.comment_remove(
            comment=self.get_object(), token=request.META.get(EDIT_TOKEN_HEADER)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class CountsView(APIView):
    """Approved-comment counts for many posts in one call: `?post=a&post=b`."""

    @extend_schema(
        parameters=[OpenApiParameter("post", str, many=True)],
        responses={
            200: {
                "type": "object",
                "additionalProperties": {"type": "integer"},
                "description": "Approved-comment count per requested slug.",
            }
        },
    )
    def get(self, request: Request) -> Response:
        slugs = list(dict.fromkeys(request.query_params.getlist("post")))[:200]
        counts = dict.fromkeys(slugs, 0)
        rows = (
            Comment.objects.shown()
            .filter(post__slug__in=slugs, post__in=Post.objects.published())
            .values_list("post__slug")
            .annotate(n=Count("id"))
        )
        counts.update(dict(rows))
        return Response(counts, headers={"Cache-Control": "max-age=30"})


class PreviewView(APIView):
    """Render a body exactly as a submit would store it, without saving anything."""

    throttle_classes = [PreviewThrottle]

    @extend_schema(
        request=PreviewInput,
        responses=inline_serializer("Preview", {"body_html": serializers.CharField()}),
    )
    def post(self, request: Request) -> Response:
        data = PreviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        html = sanitize.render_comment(
            data.validated_data["body"], backend=comments_setting("SANITIZER")
        )
        return Response({"body_html": html})


class FormTokenView(APIView):
    """A signed timestamp for the widget's form (the submit-time timing check)."""

    @extend_schema(
        responses=inline_serializer(
            "FormToken",
            {
                "form_token": serializers.CharField(),
                "limits": serializers.DictField(
                    child=serializers.IntegerField(),
                    help_text="The longest value each submit field accepts, in characters.",
                ),
            },
        )
    )
    def get(self, request: Request) -> Response:
        return Response(
            {"form_token": checks.form_token_issue(), "limits": input_limits()},
            headers={"Cache-Control": "no-store"},
        )


_PUBLIC_COLUMNS = (
    "id",
    "parent_id",
    "depth",
    "author_name",
    "author_url",
    "avatar_hash",
    "body_html",
    "created_at",
    "edited_at",
    "thread_path",
    "status",
    "post_id",
)


# What a submit reads of its post: `Post.comments_open` and the slug (idempotency keys).
_SUBMIT_POST_COLUMNS = (
    "id",
    "slug",
    "is_draft",
    "published_at",
    "comments_enabled",
    "close_comments_after_days",
)
