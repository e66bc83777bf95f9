"""The webhooks API: moderators holding `webhooks.manage_webhooks` list, add, change, delete."""

from typing import Any, cast

from django.contrib.auth.models import User
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from comments.permissions import IsModerator, is_moderator
from moderation.webhooks.models import Endpoint
from moderation.webhooks.serializers import EndpointCreated, EndpointInput, EndpointOutput
from moderation.webhooks.services import endpoint_create, endpoint_update

MANAGE_PERMISSION = "webhooks.manage_webhooks"


def can_manage_webhooks(user: Any) -> bool:
    return is_moderator(user) and bool(user.has_perm(MANAGE_PERMISSION))


class CanManageWebhooks(IsModerator):
    message = "Only moderators with the permission to manage webhooks may do this."

    def has_permission(self, request: Any, view: Any) -> bool:
        return can_manage_webhooks(request.user)


class EndpointListView(generics.ListAPIView[Endpoint]):
    """GET the endpoints; POST {"url", "events", "active"} adds one (answer shows the secret)."""

    permission_classes = [CanManageWebhooks]
    serializer_class = EndpointOutput
    queryset = Endpoint.objects.select_related("created_by").order_by("pk")

    @extend_schema(request=EndpointInput, responses={201: EndpointCreated})
    def post(self, request: Request) -> Response:
        data = EndpointInput(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = endpoint_create(**data.validated_data, created_by=cast(User, request.user))
        return Response(EndpointCreated(endpoint).data, status=status.HTTP_201_CREATED)


class EndpointDetailView(generics.RetrieveDestroyAPIView[Endpoint]):
    """GET, PATCH (any of url, events, active, description) or DELETE one endpoint."""

    permission_classes = [CanManageWebhooks]
    serializer_class = EndpointOutput

    def get_queryset(self) -> QuerySet[Endpoint]:
        return Endpoint.objects.select_related("created_by")

    @extend_schema(request=EndpointInput(partial=True), responses=EndpointOutput)
    def patch(self, request: Request, pk: int) -> Response:
        endpoint = self.get_object()
        data = EndpointInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        endpoint = endpoint_update(endpoint=endpoint, **data.validated_data)
        return Response(EndpointOutput(endpoint).data)
