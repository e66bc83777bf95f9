"""Output serializers build their fields from the model once per class, not per answer."""

from unittest import mock

import pytest
from rest_framework import serializers

from comments.serializers import OwnComment, PublicComment, SubmittedComment
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("serializer", [PublicComment, OwnComment, SubmittedComment])
def test_the_model_is_read_once_per_serializer_class(serializer):
    """Once a class has built its fields, later instances build none from the model."""
    assert serializer().fields  # built (or already built by another test)
    with mock.patch.object(
        serializers.ModelSerializer, "build_field", side_effect=AssertionError("rebuilt")
    ):
        assert list(serializer().fields) == serializer.Meta.fields


def test_each_answer_gets_its_own_fields_and_context():
    """Two answers share no field: each reads its own request context (the edit token)."""
    comment = CommentFactory()
    first = SubmittedComment(comment, context={"edit_token": "one"})
    second = SubmittedComment(comment, context={"edit_token": "two"})
    assert first.fields["edit_token"] is not second.fields["edit_token"]
    assert (first.data["edit_token"], second.data["edit_token"]) == ("one", "two")
    assert first.fields["id"].parent is first
    assert second.fields["id"].parent is second


def test_a_subclass_builds_its_own_fields():
    """A subclass with more fields never gets its parent's set, whichever is built first."""
    assert list(SubmittedComment().fields) == SubmittedComment.Meta.fields
    assert list(PublicComment().fields) == PublicComment.Meta.fields
    assert "edit_token" not in PublicComment().fields
