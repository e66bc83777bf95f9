"""Hot-path rows without the ORM's compiling: the same instances and rows as the ORM's own."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.forms.models import model_to_dict
from django.utils import timezone

from blog.hot_rows import KeyedRead, fields_update, row_insert
from comments.models import Comment, CommentEvent, Status
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

WITH_POST = KeyedRead(lambda pk: Comment.objects.select_related("post").filter(pk=pk))


def test_a_keyed_read_gives_what_the_queryset_gives():
    """Every field of the comment and of its post, typed as the ORM types them."""
    post = PostFactory(url="https://old.example.org/a/")
    comment = CommentFactory(post=post, spam_reasons=["3 links"], spam_score=0.25)
    for _ in range(2):  # compiled on the first read, reused on the second
        read = WITH_POST.first(comment.pk)
        expected = Comment.objects.select_related("post").get(pk=comment.pk)
        assert model_to_dict(read) == model_to_dict(expected)
        assert model_to_dict(read.post) == model_to_dict(expected.post)
        assert read.created_at == expected.created_at
        assert read.created_at.tzinfo is not None
        assert read._state.adding is False
        assert read._state.db == "default"


def test_a_keyed_read_of_a_missing_key_is_none():
    assert WITH_POST.first(10**12) is None


def test_a_key_that_is_not_a_parameter_is_refused():
    fixed = KeyedRead(lambda pk: Comment.objects.filter(pk=1))
    with pytest.raises(ValueError, match="the key must appear once"):
        fixed.first(1)


def test_fields_update_writes_what_save_would():
    comment = CommentFactory(status=Status.PENDING)
    moderator = UserFactory()
    comment.status = Status.SPAM
    comment.spam_reasons = ["blocklisted word: casino", "ünïcode"]
    comment.scored_at = timezone.now() - timedelta(minutes=3)
    comment.moderated_by = moderator
    comment.body_source = "not written: not named"
    fields_update(comment, ["status", "spam_reasons", "scored_at", "moderated_by"])
    stored = Comment.objects.get(pk=comment.pk)
    assert stored.status == Status.SPAM
    assert stored.spam_reasons == ["blocklisted word: casino", "ünïcode"]
    assert stored.scored_at == comment.scored_at
    assert stored.moderated_by_id == moderator.pk
    assert stored.body_source == "A thoughtful comment."


def test_fields_update_leaves_an_expression_to_the_orm():
    comment = CommentFactory()
    comment.revision = F("revision") + 1
    fields_update(comment, ["revision"])
    assert Comment.objects.get(pk=comment.pk).revision == 2


def test_row_insert_fills_defaults_as_save_does():
    comment = CommentFactory()
    before = timezone.now()
    row_insert(CommentEvent(comment=comment, actor_label="scorer", to_status=Status.APPROVED))
    event = CommentEvent.objects.get(comment=comment)
    assert (event.actor_id, event.actor_label, event.from_status) == (None, "scorer", "")
    assert event.to_status == Status.APPROVED
    assert event.created_at >= before
