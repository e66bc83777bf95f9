from django.urls import include, path

from moderation import api

urlpatterns = [
    path("comments/", api.QueueView.as_view(), name="moderation-queue"),
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
