"""What the webhooks API reads and answers; the secret appears only in the create answer."""

from typing import Any

from rest_framework import serializers

from moderation.webhooks.address import AddressRefused
from moderation.webhooks.models import EVENT_TYPES, Endpoint
from moderation.webhooks.services import endpoint_check_url


class EndpointInput(serializers.Serializer[Any]):
    url = serializers.URLField(max_length=500)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_TYPES), min_length=1, max_length=20
    )
    active = serializers.BooleanField(required=False, default=True)
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=200, default=""
    )

    def validate_url(self, value: str) -> str:
        try:
            endpoint_check_url(value)
        except AddressRefused as refused:
            raise serializers.ValidationError(str(refused)) from refused
        return value


class EndpointOutput(serializers.ModelSerializer[Endpoint]):
    created_by: serializers.SlugRelatedField[Endpoint] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Endpoint
        fields = [
            "id",
            "url",
            "description",
            "events",
            "active",
            "created_by",
            "created_at",
            "updated_at",
            "failing_since",
            "disabled_at",
            "disabled_reason",
        ]
        read_only_fields = fields


class EndpointCreated(EndpointOutput):
    """The create answer: the only time the signing secret is shown."""

    class Meta(EndpointOutput.Meta):
        fields = [*EndpointOutput.Meta.fields, "secret"]
        read_only_fields = fields
