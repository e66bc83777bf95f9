"""What moderators see: everything about a comment, including its score and history."""

from typing import Any

from rest_framework import serializers

from comments.models import Comment, CommentEvent
from comments.serializers import PublicComment
from moderation.models import AlertPreference


class HistoryEntry(serializers.ModelSerializer[CommentEvent]):
    actor = serializers.CharField(source="actor_label")
    at = serializers.DateTimeField(source="created_at")
    to = serializers.CharField(source="to_status")

    class Meta:
        model = CommentEvent
        fields = ["actor", "at", "from_status", "to", "reason"]
        read_only_fields = fields


class ModerationComment(PublicComment):
    post: serializers.SlugRelatedField[Comment] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    moderated_by: serializers.SlugRelatedField[Comment] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    history = HistoryEntry(many=True, read_only=True)
    # The metaclass moves declared fields off the class, so Field.source is not shadowed.
    source = serializers.SerializerMethodField()  # type: ignore[assignment]

    class Meta(PublicComment.Meta):
        fields = [
            *PublicComment.Meta.fields,
            "post",
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
            "type",
            "source",
        ]
        read_only_fields = fields

    def get_source(self, comment: Comment) -> dict[str, Any] | None:
        """Where an imported comment came from, as the file said it; null if written here."""
        return source_fields(comment)


def source_fields(comment: Comment) -> dict[str, Any] | None:
    """The import source of `comment` (system, original id, status, parent, post, extra)."""
    if not comment.source_system:
        return None
    return {
        "system": comment.source_system,
        "id": comment.source_id,
        "status": comment.source_status,
        "parent": comment.source_parent,
        "post": comment.source_post,
        "extra": comment.source_extra,
    }


class ActionInput(serializers.Serializer[Any]):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class BulkInput(serializers.Serializer[Any]):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), min_length=1, max_length=500
    )
    action = serializers.ChoiceField(choices=["approve", "reject", "spam", "ham"])


class AlertsInput(serializers.Serializer[Any]):
    """A moderator's alert preference: every held comment at once, a daily digest, or none."""

    alerts = serializers.ChoiceField(choices=AlertPreference.Alerts.choices)
