"""URLs: post pages, the public and moderation APIs, the admin, and the OpenAPI schema."""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView

from blog import api, api_docs, health, views
from comments import feeds

blog_patterns = (
    [
        path("", views.post_list, name="post-list"),
        path("posts/<slug:slug>/", views.post_detail, name="post-detail"),
    ],
    "blog",
)

api_patterns: list[URLPattern | URLResolver] = [
    path("posts/", api.PostListView.as_view(), name="post-list"),
    path("posts/<slug:slug>/", api.PostDetailView.as_view(), name="post-detail"),
    path("moderation/", include("moderation.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", api_docs.SwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("redoc/", api_docs.RedocView.as_view(url_name="schema"), name="api-redoc"),
    path("", include("comments.urls")),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("moderation/", include("moderation.page_urls")),
    path("notify/", include("comments.notify.urls")),
    path("api/v1/", include(api_patterns)),
    path("feeds/comments/", feeds.SiteCommentsFeed(), name="comments-feed"),
    path("feeds/posts/<slug:slug>/comments/", feeds.PostCommentsFeed(), name="post-comments-feed"),
    path("", include(blog_patterns)),
]
