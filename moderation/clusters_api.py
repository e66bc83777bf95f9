"""The workbench API for moderators: clusters (waves, one action for all) and stats."""

from typing import Any, cast

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from comments.permissions import IsModerator
from moderation.clusters import cluster_moderate, clusters_queued
from moderation.models import Cluster
from moderation.serializers import ClusterOutput
from moderation.services import ACTIONS
from moderation.stats import moderation_stats


class ClustersView(generics.ListAPIView[Cluster]):
    """GET clusters of queued comments, largest first: `id, size, shared, sample, comment_ids`."""

    permission_classes = [IsModerator]
    serializer_class = ClusterOutput

    def get_queryset(self) -> QuerySet[Cluster]:
        return clusters_queued()


class ClusterActionView(generics.GenericAPIView[Cluster]):
    """POST approve / reject / spam / ham on every queued comment of one cluster."""

    permission_classes = [IsModerator]
    serializer_class = ClusterOutput

    def get_queryset(self) -> QuerySet[Cluster]:
        return Cluster.objects.all()

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "ClusterDecision",
            {
                "id": serializers.IntegerField(),
                "action": serializers.CharField(),
                "count": serializers.IntegerField(),
                "comment_ids": serializers.ListField(child=serializers.IntegerField()),
            },
        ),
    )
    def post(self, request: Request, pk: int, action: str) -> Response:
        if action not in ACTIONS:
            raise Http404(f"Unknown action; use one of {', '.join(ACTIONS)}.")
        cluster = self.get_object()
        ids = cluster_moderate(cluster=cluster, action=action, actor=cast(User, request.user))
        body: dict[str, Any] = {"id": cluster.pk, "action": action, "count": len(ids)}
        return Response({**body, "comment_ids": ids})


class StatsView(APIView):
    """GET the queue's health and the decisions' record (see moderation.stats)."""

    permission_classes = [IsModerator]

    @extend_schema(responses={200: {"type": "object"}})
    def get(self, request: Request) -> Response:
        return Response(moderation_stats())
