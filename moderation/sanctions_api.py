"""The sanctions API for moderators: bans (list, create, lift) and purging an author."""

from typing import Any, cast

from django.contrib.auth.models import User
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from comments.permissions import IsModerator
from moderation import services
from moderation.models import Ban
from moderation.sanctions import BanInvalid, ban_create
from moderation.serializers import BanInput, BanOutput, PurgeInput


class BansView(generics.ListCreateAPIView[Ban]):
    """GET the bans (newest first; `?active=1` only those in force); POST a new one."""

    permission_classes = [IsModerator]
    serializer_class = BanOutput

    def get_queryset(self) -> QuerySet[Ban]:
        bans = Ban.objects.select_related("created_by")
        if self.request.query_params.get("active") in {"1", "true"}:
            bans = bans.active()
        return bans

    @extend_schema(request=BanInput, responses={201: BanOutput})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = BanInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            ban = ban_create(**data.validated_data, actor=cast(User, request.user))
        except BanInvalid as error:
            raise ValidationError({error.field: [error.message]}) from None
        return Response(BanOutput(ban).data, status=status.HTTP_201_CREATED)


class BanView(generics.RetrieveDestroyAPIView[Ban]):
    """GET one ban; DELETE lifts it."""

    permission_classes = [IsModerator]
    serializer_class = BanOutput
    queryset = Ban.objects.select_related("created_by")


class PurgeView(generics.GenericAPIView[Any]):
    """POST one decision (spam or remove) for every comment of an author; answers the count."""

    permission_classes = [IsModerator]
    serializer_class = PurgeInput

    @extend_schema(
        request=PurgeInput,
        responses=inline_serializer("PurgeResult", {"count": serializers.IntegerField()}),
    )
    def post(self, request: Request) -> Response:
        data = PurgeInput(data=request.data)
        data.is_valid(raise_exception=True)
        count = services.comments_purge(**data.validated_data, actor=cast(User, request.user))
        return Response({"count": count})
