from django.urls import path, re_path

from comments import api, avatars

app_name = "comments"

urlpatterns = [
    path("posts/<slug:slug>/comments/", api.ThreadView.as_view(), name="thread"),
    path("comments/<int:pk>/", api.CommentView.as_view(), name="comment-detail"),
    path("counts/", api.CountsView.as_view(), name="counts"),
    path("preview/", api.PreviewView.as_view(), name="preview"),
    path("form-token/", api.FormTokenView.as_view(), name="form-token"),
    re_path(r"^avatars/(?P<digest>[0-9a-f]{32})\.svg$", avatars.avatar, name="avatar"),
]
