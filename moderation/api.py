"""The moderation API: the queue, one comment in full, decisions (one or in bulk), export."""

from typing import Any, cast

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from blog.models import Post
from comments.models import Comment, Status
from comments.permissions import IsModerator
from comments.porting.export import export_lines
from moderation import services
from moderation.alerts import alert_preference, alert_preference_set
from moderation.serializers import ActionInput, AlertsInput, BulkInput, ModerationComment

ORDERINGS = {"created_at", "-created_at", "spam_score", "-spam_score", "id", "-id"}


def moderation_queryset() -> QuerySet[Comment]:
    return Comment.objects.select_related("post", "moderated_by").prefetch_related("history")


class QueueView(generics.ListAPIView[Comment]):
    """Comments for moderators: `?status=`, `?post=`, `?ordering=-spam_score|created_at`."""

    permission_classes = [IsModerator]
    serializer_class = ModerationComment

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=Status.values),
            OpenApiParameter("post", str),
            OpenApiParameter("ordering", str, enum=sorted(ORDERINGS)),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Comment]:
        params = self.request.query_params
        comments = moderation_queryset()
        if "status" in params:
            if params["status"] not in Status.values:
                raise ValidationError({"status": [f"Choose one of: {', '.join(Status.values)}."]})
            comments = comments.filter(status=params["status"])
        if params.get("post"):
            comments = comments.filter(post__slug=params["post"])
        ordering = params.get("ordering", "-created_at")
        if ordering not in ORDERINGS:
            raise ValidationError({"ordering": [f"Choose one of: {', '.join(sorted(ORDERINGS))}."]})
        return comments.order_by(ordering, "-id")


class ModerationDetailView(generics.RetrieveAPIView[Comment]):
    permission_classes = [IsModerator]
    serializer_class = ModerationComment

    def get_queryset(self) -> QuerySet[Comment]:
        return moderation_queryset()


class ActionView(generics.GenericAPIView[Comment]):
    """POST approve / reject / spam / ham on one comment; answers the new record."""

    permission_classes = [IsModerator]
    serializer_class = ActionInput

    def get_queryset(self) -> QuerySet[Comment]:
        return moderation_queryset()

    @extend_schema(request=ActionInput, responses=ModerationComment)
    def post(self, request: Request, pk: int, action: str) -> Response:
        if action not in services.ACTIONS:
            raise Http404(f"Unknown action; use one of {', '.join(services.ACTIONS)}.")
        data = ActionInput(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.comment_moderate(
            comment=self.get_object(),
            action=action,
            actor=cast(User, request.user),
            reason=data.validated_data["reason"],
        )
        fresh = moderation_queryset().get(pk=comment.pk)
        return Response(ModerationComment(fresh, context={"request": request}).data)


class BulkView(generics.GenericAPIView[Comment]):
    """POST {"ids": [...], "action": "approve"}: one decision for many comments."""

    permission_classes = [IsModerator]
    serializer_class = BulkInput
    pagination_class = None  # the answer is a plain list (and the schema says so)

    @extend_schema(request=BulkInput, responses=ModerationComment(many=True))
    def post(self, request: Request) -> Response:
        data = BulkInput(data=request.data)
        data.is_valid(raise_exception=True)
        ids = data.validated_data["ids"]
        missing = set(ids) - set(Comment.objects.filter(pk__in=ids).values_list("pk", flat=True))
        if missing:
            raise ValidationError({"ids": [f"No such comment(s): {sorted(missing)}."]})
        services.comments_moderate(
            ids=ids, action=data.validated_data["action"], actor=cast(User, request.user)
        )
        fresh = moderation_queryset().filter(pk__in=ids).order_by("pk")
        return Response(
            ModerationComment(fresh, many=True, context={"request": request}).data,
            status=status.HTTP_200_OK,
        )


class ExportView(APIView):
    """GET the Threadkeeper JSON export of every post's comments, streamed (`?post=SLUG`)."""

    permission_classes = [IsModerator]

    @extend_schema(
        parameters=[OpenApiParameter("post", str)],
        responses={(200, "application/json"): OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        slug = request.query_params.get("post") or None
        if slug is not None and not Post.objects.filter(slug=slug).exists():
            raise NotFound(f"No post with slug {slug!r}.")
        response = StreamingHttpResponse(
            export_lines(post_slug=slug), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="comments-export.json"'
        return response


class NotificationPreferenceView(APIView):
    """GET / PUT the moderator's own alert preference: {"alerts": "immediate|digest|off"}."""

    permission_classes = [IsModerator]

    @extend_schema(responses=AlertsInput)
    def get(self, request: Request) -> Response:
        return Response({"alerts": alert_preference(cast(User, request.user))})

    @extend_schema(request=AlertsInput, responses=AlertsInput)
    def put(self, request: Request) -> Response:
        data = AlertsInput(data=request.data)
        data.is_valid(raise_exception=True)
        alerts = alert_preference_set(
            user=cast(User, request.user), alerts=data.validated_data["alerts"]
        )
        return Response({"alerts": alerts})
