"""The submit's read of its post: published by slug, only the asked columns, typed as the ORM."""

from datetime import timedelta

import pytest
from django.utils import timezone

from blog.models import Post
from comments.api import _SUBMIT_POST_COLUMNS
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

COLUMNS = _SUBMIT_POST_COLUMNS  # what a submit reads


def test_a_published_post_is_read_as_the_orm_reads_it():
    """Each value has the type and value `.only()` gives; the rest are deferred."""
    post = PostFactory(slug="open", comments_enabled=False, close_comments_after_days=3)
    read = Post.objects.published_with("open", COLUMNS)
    orm = Post.objects.published().only(*COLUMNS).get(slug="open")
    assert read is not None
    for name in COLUMNS:
        assert getattr(read, name) == getattr(orm, name), name
        assert type(getattr(read, name)) is type(getattr(orm, name)), name
    assert read.get_deferred_fields() == orm.get_deferred_fields()
    assert read.published_at.tzinfo is not None
    assert (read.pk, read.comments_open) == (post.pk, orm.comments_open)


@pytest.mark.parametrize(
    "post",
    [
        {"is_draft": True},
        {"published_at": timezone.now() + timedelta(days=1)},
        {"slug": "another"},
    ],
    ids=["draft", "scheduled", "other-slug"],
)
def test_a_draft_a_scheduled_or_unknown_post_is_none(post):
    """What `Post.objects.published()` leaves out is not found."""
    PostFactory(**{"slug": "wanted", **post})
    assert Post.objects.published_with("wanted", COLUMNS) is None


def test_the_post_remembers_the_slug_it_was_read_with():
    """As any post read from the database: its cached thread stamp is kept under that slug."""
    PostFactory(slug="remembered")
    assert Post.objects.published_with("remembered", ("id", "slug"))._loaded_slug == "remembered"
