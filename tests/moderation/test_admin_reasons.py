"""Moderators see why: the score and the scorer's reasons in the admin and the moderation API."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from comments.models import Comment, Status
from moderation.services import classifier_train, comment_learn, comment_score
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = "/admin/moderation/queuedcomment/"
BODY = "subscribe to my channel https://a.example https://b.example https://bit.ly/x"


@pytest.fixture
def admin_client_(db) -> Client:
    """A logged-in staff moderator."""
    user = UserFactory(username="queue-mod", is_staff=True)
    group, _ = Group.objects.get_or_create(name="moderators")
    group.permissions.add(Permission.objects.get(codename="moderate_comment"))
    user.groups.add(group)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def held(post) -> Comment:
    """A comment the real scorer flagged, with a trained classifier and a spammy network."""
    classifier_train(
        texts=[
            ("subscribe to my channel", True),
            ("check my channel", True),
            ("lovely song", False),
            ("great post", False),
        ]
    )
    for i in range(3):
        earlier = CommentFactory(
            post=post,
            status=Status.SPAM,
            ip_address=f"198.51.100.{i + 1}",
            ip_network="198.51.100.0/24",
        )
        comment_learn(comment_id=earlier.pk)
    comment = CommentFactory(
        post=post,
        status=Status.PENDING,
        body_source=BODY,
        body_html=BODY,
        ip_address="198.51.100.77",
        ip_network="198.51.100.0/24",
    )
    comment_score(comment_id=comment.pk, revision=1)
    comment.refresh_from_db()
    return comment


def test_the_scorer_writes_reasons_a_moderator_can_read(held):
    """Links, the classifier's words and the network's spam this week are each a reason."""
    reasons = held.spam_reasons
    assert "3 links (mostly links)" in reasons
    assert "URL shortener: bit.ly" in reasons
    assert "IP /24 had 3 spam this week" in reasons
    classifier = next(r for r in reasons if r.startswith("classifier"))
    assert "tokens" in classifier
    assert "'channel'" in classifier


def test_the_admin_queue_lists_score_and_reasons(admin_client_, held):
    """The queue's 'score' and 'why' columns show the number and each reason."""
    page = admin_client_.get(QUEUE, {"status": "all"}).content.decode()
    assert f"{held.spam_score:.2f}" in page
    assert "3 links (mostly links)" in page
    assert "IP /24 had 3 spam this week" in page


def test_the_admin_change_page_shows_the_reasons(admin_client_, held):
    """Opening one comment shows its score and reasons too."""
    page = admin_client_.get(f"{QUEUE}{held.pk}/change/").content.decode()
    assert "URL shortener: bit.ly" in page
    assert f"{held.spam_score:.2f}" in page


def test_the_moderation_api_returns_score_and_reasons(moderator_api, held):
    """The moderation API gives spam_score as a float and spam_reasons as strings."""
    data = moderator_api.get(f"/api/v1/moderation/comments/{held.pk}/").json()
    assert data["spam_score"] == pytest.approx(held.spam_score)
    assert data["spam_reasons"] == held.spam_reasons
