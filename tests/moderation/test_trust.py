"""Trust rules a site may turn on: hold first comments, comments with links, new authors."""

import pytest

from comments.models import Comment, Status
from moderation.services import comment_score
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

BODY = "A thoughtful comment about the post, thank you for writing it."


def pending(body: str = BODY, email: str = "ann@example.org") -> Comment:
    return CommentFactory(
        status=Status.PENDING,
        post=PostFactory(slug="trusty"),
        author_email=email,
        body_source=body,
        body_html=f"<p>{body}</p>",
    )


def score(comment: Comment) -> Comment:
    comment_score(comment_id=comment.pk, revision=comment.revision)
    return Comment.objects.get(pk=comment.pk)


def rules(settings, **knobs: object) -> None:
    settings.MODERATION = {**settings.MODERATION, **knobs}


def test_without_trust_rules_a_clean_first_comment_is_approved():
    """The rules are off by default: a clean comment from a new author is published."""
    assert score(pending()).status == Status.APPROVED


def test_hold_first_comment_holds_a_new_author_until_one_is_approved(settings):
    """HOLD_FIRST_COMMENT holds an author's first comment, not their next once approved."""
    rules(settings, HOLD_FIRST_COMMENT=True)
    first = score(pending())
    assert first.status == Status.PENDING
    assert "trust rule: first comment from this author" in first.spam_reasons
    Comment.objects.filter(pk=first.pk).update(status=Status.APPROVED)
    assert score(pending(body=BODY + " Again.")).status == Status.APPROVED


def test_hold_links_holds_any_comment_with_a_link(settings):
    """HOLD_LINKS holds a comment with a link that would otherwise be approved."""
    rules(settings, HOLD_LINKS=True)
    linked = score(pending(body=BODY + " See https://docs.example.org/page"))
    assert linked.status == Status.PENDING
    assert "trust rule: comments with links are held" in linked.spam_reasons
    assert score(pending(email="bob@example.org")).status == Status.APPROVED


def test_hold_below_approved_holds_authors_with_too_few_approved(settings):
    """HOLD_BELOW_APPROVED=2 holds an author with one approved comment; two is enough."""
    rules(settings, HOLD_BELOW_APPROVED=2)
    CommentFactory(author_email="ann@example.org", status=Status.APPROVED)
    held = score(pending())
    assert held.status == Status.PENDING
    assert "trust rule: author has fewer than 2 approved comments" in held.spam_reasons
    CommentFactory(author_email="Ann@Example.org", status=Status.APPROVED)
    assert score(pending(body=BODY + " More.")).status == Status.APPROVED
