from django.contrib import admin

from blog.models import Category, Post, Tag


@admin.register(Post)
class PostAdmin(admin.ModelAdmin[Post]):
    list_display = [
        "title",
        "slug",
        "published_at",
        "is_draft",
        "comments_enabled",
        "moderation_mode",
        "breaker_until",
    ]
    readonly_fields = ["breaker_until", "breaker_reason"]
    list_filter = ["is_draft", "comments_enabled", "moderation_mode", "categories"]
    search_fields = ["title", "slug", "body"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["categories", "tags"]


admin.site.register(Category)
admin.site.register(Tag)
