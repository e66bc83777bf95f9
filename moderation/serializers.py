"""What moderators see: everything about a comment, including its score and history."""

import ipaddress
from datetime import datetime
from typing import Any

from django.utils import timezone
from rest_framework import serializers

from comments.models import Comment, CommentEvent
from comments.porting.export import source_record
from comments.serializers import PublicComment
from moderation.models import AlertPreference, Ban, Cluster


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
        return source_record(comment)


class ActionInput(serializers.Serializer[Any]):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class BulkInput(serializers.Serializer[Any]):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), min_length=1, max_length=500
    )
    action = serializers.ChoiceField(choices=["approve", "reject", "spam", "ham"])


class BanOutput(serializers.ModelSerializer[Ban]):
    created_by: serializers.SlugRelatedField[Ban] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    active = serializers.SerializerMethodField()

    class Meta:
        model = Ban
        fields = [
            "id",
            "kind",
            "value",
            "mode",
            "reason",
            "expires_at",
            "active",
            "cause",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_active(self, ban: Ban) -> bool:
        return ban.expires_at is None or ban.expires_at > timezone.now()


class BanInput(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=Ban.Kind.values)
    value = serializers.CharField(max_length=254)
    mode = serializers.ChoiceField(choices=Ban.Mode.values, default=Ban.Mode.BLOCK)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    def validate_expires_at(self, value: datetime | None) -> datetime | None:
        if value is not None and value <= timezone.now():
            raise serializers.ValidationError("Give a time in the future, or none for no expiry.")
        return value


class PurgeInput(serializers.Serializer[Any]):
    author_email = serializers.EmailField(required=False, max_length=254)
    ip_address = serializers.IPAddressField(required=False)
    network = serializers.CharField(required=False, max_length=50)
    action = serializers.ChoiceField(choices=["spam", "remove"])
    since = serializers.DateTimeField(required=False, allow_null=True, default=None)
    until = serializers.DateTimeField(required=False, allow_null=True, default=None)

    def validate_network(self, value: str) -> str:
        try:
            return str(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise serializers.ValidationError(
                "Enter a network such as 203.0.113.0/24 or 2001:db8::/64."
            ) from None

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        named = [k for k in ("author_email", "ip_address", "network") if attrs.get(k)]
        if len(named) != 1:
            raise serializers.ValidationError(
                "Name exactly one author: author_email, ip_address or network."
            )
        return attrs


class ClusterOutput(serializers.ModelSerializer[Cluster]):
    size = serializers.IntegerField(source="queued", read_only=True)
    comment_ids = serializers.SerializerMethodField()

    class Meta:
        model = Cluster
        fields = ["id", "size", "shared", "sample", "comment_ids"]
        read_only_fields = fields

    def get_comment_ids(self, cluster: Cluster) -> list[int]:
        return sorted(member.comment_id for member in getattr(cluster, "queued_members", []))


class AlertsInput(serializers.Serializer[Any]):
    """A moderator's alert preference: every held comment at once, a daily digest, or none."""

    alerts = serializers.ChoiceField(choices=AlertPreference.Alerts.choices)
