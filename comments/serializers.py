"""Input and output shapes of the public comment API. Every field is listed explicitly."""

import copy
from typing import Any

from django.urls import reverse
from rest_framework import serializers

from comments import sanitize
from comments.conf import comments_setting
from comments.models import Comment, Status

# Each field's length limit is one setting, read at call time: the API's validation, its
# schema and the widget's form (which reads `input_limits()` from the form-token answer).
INPUT_LIMITS = {
    "author_name": "MAX_NAME_LENGTH",
    "author_email": "MAX_EMAIL_LENGTH",
    "author_url": "MAX_URL_LENGTH",
    "body": "MAX_BODY_LENGTH",
}


def input_limits() -> dict[str, int]:
    """Return the longest value each submit field accepts, in characters."""
    return {name: int(comments_setting(setting)) for name, setting in INPUT_LIMITS.items()}


class CommentInput(serializers.Serializer[Any]):
    """What a reader or API client sends to submit a comment.

    `author_name`, `author_email` and `author_url` are added by `get_fields`, with the
    length limits the settings give at the time of the request.
    """

    body = serializers.CharField(max_length=100_000, trim_whitespace=False)
    parent = serializers.IntegerField(  # type: ignore[assignment]
        required=False, allow_null=True, min_value=1, max_value=2**62
    )
    # Submit-time bot checks (see comments.checks): the widget sends both.
    form_token = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    homepage = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    # Mail me when a reply is approved, or when this comment is approved after being held
    # (after the address is confirmed).
    notify_replies = serializers.BooleanField(required=False, default=False)

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        limits = input_limits()
        return {
            "author_name": serializers.CharField(max_length=limits["author_name"]),
            "author_email": serializers.EmailField(max_length=limits["author_email"]),
            "author_url": serializers.CharField(
                max_length=limits["author_url"], required=False, allow_blank=True, default=""
            ),
            **super().get_fields(),
        }

    def validate_author_name(self, value: str) -> str:
        name = sanitize.plain_text(value)
        if not name:
            raise serializers.ValidationError("Please give a name to show with your comment.")
        check_length(name, "MAX_NAME_LENGTH")
        return name

    def validate_author_url(self, value: str) -> str:
        value = value.strip()
        if not value:
            return ""
        check_length(value, "MAX_URL_LENGTH")
        normalised = sanitize.web_url_normalise(value)
        if normalised is None:
            raise serializers.ValidationError(
                "Enter a web address starting with http:// or https://."
            )
        # Stored percent-encoded: whatever templates it later never meets a quote or a '<'.
        check_length(normalised, "MAX_URL_LENGTH")
        return normalised

    def validate_body(self, value: str) -> str:
        return validate_body_text(value)


class CommentEditInput(serializers.Serializer[Any]):
    body = serializers.CharField(max_length=100_000, trim_whitespace=False)

    def validate_body(self, value: str) -> str:
        return validate_body_text(value)


class PreviewInput(CommentEditInput):
    pass


def check_length(value: str, setting: str) -> None:
    """Refuse a value longer than COMMENTS[setting] characters, as DRF words it."""
    limit = comments_setting(setting)
    if len(value) > limit:
        raise serializers.ValidationError(f"Ensure this field has no more than {limit} characters.")


def validate_body_text(value: str) -> str:
    """Refuse empty bodies and bodies over COMMENTS["MAX_BODY_LENGTH"] characters."""
    if not sanitize.strip_invisible(value).strip():
        raise serializers.ValidationError("The comment is empty.")
    limit = comments_setting("MAX_BODY_LENGTH")
    if len(value) > limit:
        raise serializers.ValidationError(
            f"Ensure this field has no more than {limit} characters (it has {len(value)})."
        )
    return value


_NO_AVATAR = "0" * 32


class PublicComment(serializers.ModelSerializer[Comment]):
    """A comment as anyone may see it: no e-mail, IP, user agent or score.

    Its fields, and its subclasses', are built from the model once per class and copied
    for each instance (`get_fields`).
    """

    avatar_url = serializers.SerializerMethodField()
    # A plain string in the schema: it is "" when the author gave no website.
    author_url = serializers.CharField(read_only=True)

    class Meta:
        model = Comment
        fields = [
            "id",
            "parent",
            "depth",
            "author_name",
            "author_url",
            "avatar_url",
            "body_html",
            "created_at",
            "edited_at",
        ]
        read_only_fields = fields

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        """Return fresh copies of the fields built once for this class.

        ModelSerializer reads the model and builds every field again for each instance
        (each submit's answer, each comment read), though they depend only on the class
        and its Meta. They are built once, unbound, and each instance gets deep copies, as
        DRF gives each instance copies of a serializer's declared fields.
        """
        cls = type(self)
        built = cls.__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            cls._built_fields = built  # type: ignore[attr-defined]
        return copy.deepcopy(built)

    def get_avatar_url(self, comment: Comment) -> str:
        # One reverse() and one absolute URI per serializer, not per comment: a page of a
        # thread serializes up to 200 comments with the same child serializer.
        prefix, suffix = self.__dict__.get("_avatar_parts") or self._avatar_parts_for()
        return f"{prefix}{comment.avatar_hash or _NO_AVATAR}{suffix}"

    def _avatar_parts_for(self) -> tuple[str, str]:
        path = reverse("comments:avatar", kwargs={"digest": _NO_AVATAR})
        request = self.context.get("request")
        url = request.build_absolute_uri(path) if request else path
        prefix, _, suffix = url.rpartition(_NO_AVATAR)
        self.__dict__["_avatar_parts"] = (prefix, suffix)
        return prefix, suffix


class OwnComment(PublicComment):
    """What the author sees of their own comment (with its edit token): its status too.

    A comment marked spam reads as pending to its author: telling a bot which of its
    comments were caught teaches it to evade us, and a real reader caught by mistake is
    indeed waiting for a moderator (who can mark it ham).
    """

    status = serializers.SerializerMethodField()

    class Meta(PublicComment.Meta):
        fields = [*PublicComment.Meta.fields, "status", "edit_expires_at"]
        read_only_fields = fields

    def get_status(self, comment: Comment) -> str:
        return Status.PENDING if comment.status == Status.SPAM else comment.status


class SubmittedComment(OwnComment):
    """The answer to a submit: the author's view plus the edit token, shown only once."""

    edit_token = serializers.SerializerMethodField()

    class Meta(OwnComment.Meta):
        fields = [*OwnComment.Meta.fields, "edit_token"]
        read_only_fields = fields

    def get_edit_token(self, comment: Comment) -> str:
        return str(self.context["edit_token"])
