from django.urls import include, path

from moderation import api, clusters_api, sanctions_api

urlpatterns = [
    path("comments/", api.QueueView.as_view(), name="moderation-queue"),
    path("comments/purge/", sanctions_api.PurgeView.as_view(), name="moderation-purge"),
    path("bans/", sanctions_api.BansView.as_view(), name="moderation-bans"),
    path("bans/<int:pk>/", sanctions_api.BanView.as_view(), name="moderation-ban"),
    path("clusters/", clusters_api.ClustersView.as_view(), name="moderation-clusters"),
    path("stats/", clusters_api.StatsView.as_view(), name="moderation-stats"),
    path(
        "clusters/<int:pk>/<str:action>/",
        clusters_api.ClusterActionView.as_view(),
        name="moderation-cluster-action",
    ),
    path(
        "me/notifications/",
        api.NotificationPreferenceView.as_view(),
        name="moderation-notifications",
    ),
    path("comments/bulk/", api.BulkView.as_view(), name="moderation-bulk"),
    path("comments/<int:pk>/", api.ModerationDetailView.as_view(), name="moderation-detail"),
    path("export/", api.ExportView.as_view(), name="moderation-export"),
    path("comments/<int:pk>/<str:action>/", api.ActionView.as_view(), name="moderation-action"),
    path("webhooks/", include("moderation.webhooks.urls")),
]
