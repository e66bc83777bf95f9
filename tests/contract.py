"""Field lists the service contract promises, written once for every test that checks them."""

# Every item of the public thread and the public view of one comment.
PUBLIC_COMMENT_FIELDS = frozenset(
    {
        "id",
        "parent",
        "depth",
        "author_name",
        "author_url",
        "avatar_url",
        "body_html",
        "created_at",
        "edited_at",
    }
)
# What moderators see of a comment, on top of the public fields.
MODERATION_ONLY_FIELDS = frozenset(
    {
        "status",
        "author_email",
        "ip_address",
        "user_agent",
        "body_source",
        "spam_score",
        "spam_reasons",
        "scored_at",
        "moderated_by",
        "moderated_at",
        "history",
    }
)
MODERATION_COMMENT_FIELDS = PUBLIC_COMMENT_FIELDS | MODERATION_ONLY_FIELDS
# Never in a public answer.
PRIVATE_FIELDS = frozenset(
    {"author_email", "ip_address", "user_agent", "spam_score", "spam_reasons", "body_source"}
)
# A post, in the list and on its own.
POST_FIELDS = frozenset(
    {
        "slug",
        "title",
        "url",
        "published_at",
        "comments_enabled",
        "comments_open",
        "comment_count",
    }
)
