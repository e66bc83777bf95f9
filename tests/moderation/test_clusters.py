"""Clusters of held comments: waves grouped as the worker scores, listed and decided at once."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment, Status
from moderation.clusters import comment_cluster
from moderation.models import Cluster
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

CLUSTERS = "/api/v1/moderation/clusters/"
WAVE = "Earn {n} dollars a day from home with this one simple trick, click the link to start {w}"
OTHER_WAVES = [
    "Replica handbags and luxury watches at factory prices, discreet delivery worldwide",
    "Your account has been suspended, verify your password at the secure portal below",
    "Hot singles in your area are waiting to chat with you tonight, sign up for free",
    "Crypto signals group: 300 percent returns guaranteed, join our telegram channel",
]
HAM = [
    "Thanks, this fixed my build on Debian; the second step was the one I missed.",
    "I disagree with the conclusion, but the benchmark section is very clear.",
    "Could you add an example for IPv6 networks as well?",
    "My grandmother used to sing this song, what a memory.",
]


def held(body: str, network: int = 1, **fields: object) -> Comment:
    comment = CommentFactory(
        post=PostFactory(slug="waves"),
        status=Status.PENDING,
        body_source=body,
        body_html=f"<p>{body}</p>",
        ip_address=f"198.51.{network}.7",
        ip_network=f"198.51.{network}.0/24",
        spam_score=0.5,
        scored_at=timezone.now(),
        **fields,
    )
    comment_cluster(comment_id=comment.pk)
    return comment


def wave(count: int, networks: int = 5) -> list[Comment]:
    rng = random.Random(7)
    words = ["today", "now", "tonight", "this week"]
    return [
        held(WAVE.format(n=rng.randrange(100, 999), w=rng.choice(words)), network=i % networks)
        for i in range(count)
    ]


def test_a_wave_becomes_one_cluster_and_ham_stays_out():
    """Twelve near-duplicates from five networks form one cluster; ordinary comments none."""
    spam = wave(12)
    ham = [held(text, network=1) for text in HAM]
    cluster = Cluster.objects.get()
    assert cluster.size == 12
    assert set(cluster.members.values_list("comment_id", flat=True)) == {c.pk for c in spam}
    assert not Comment.objects.filter(
        pk__in=[c.pk for c in ham], fingerprint__cluster__isnull=False
    ).exists()
    assert len(cluster.shared["networks"]) == 5
    assert cluster.sample.startswith("Earn ")


def test_shared_link_domain_joins_less_similar_texts():
    """Texts only loosely alike join when they link the same domain."""
    base = "Best cheap watches and bags for sale, free shipping worldwide, visit our shop"
    held(f"{base} https://shop.example/a")
    held("Cheap watches and designer bags on sale here, free shipping, https://shop.example/b")
    assert Cluster.objects.get().shared["link_domains"] == {"shop.example": 2}


def test_clustering_twice_changes_nothing():
    """Running the task again for a comment keeps one fingerprint and one cluster."""
    spam = wave(3)
    assert comment_cluster(comment_id=spam[0].pk) == Cluster.objects.get()
    assert Cluster.objects.get().size == 3


def test_only_held_scored_comments_are_clustered():
    """Approved, spam or unscored comments get no fingerprint."""
    approved = CommentFactory(status=Status.APPROVED)
    assert comment_cluster(comment_id=approved.pk) is None
    unscored = CommentFactory(status=Status.PENDING)
    assert comment_cluster(comment_id=unscored.pk) is None
    assert not Cluster.objects.exists()


def test_the_api_lists_clusters_in_constant_queries(moderator_api):
    """Each cluster has id, size, shared, sample and comment_ids; queries do not grow with them."""
    wave(3, networks=1)
    with CaptureQueriesContext(connection) as one:
        first = moderator_api.get(CLUSTERS).json()
    for n, text in enumerate(OTHER_WAVES):
        for i in range(3):
            held(f"{text} ({i})", network=50 + n)
    with CaptureQueriesContext(connection) as many:
        listed = moderator_api.get(CLUSTERS).json()
    assert len(many) == len(one)
    assert first["count"] == 1
    item = first["results"][0]
    assert set(item) == {"id", "size", "shared", "sample", "comment_ids"}
    assert item["size"] == len(item["comment_ids"]) == 3
    assert listed["count"] == 5


def test_one_action_decides_the_whole_cluster(moderator_api):
    """POST spam on a cluster marks every queued member spam and answers their ids."""
    spam = wave(6)
    ham = held(HAM[0])
    cluster = Cluster.objects.get()
    answer = moderator_api.post(f"{CLUSTERS}{cluster.pk}/spam/")
    assert answer.status_code == 200
    assert answer.json()["count"] == 6
    assert sorted(answer.json()["comment_ids"]) == sorted(c.pk for c in spam)
    assert set(
        Comment.objects.filter(pk__in=[c.pk for c in spam]).values_list("status", flat=True)
    ) == {Status.SPAM}
    assert Comment.objects.get(pk=ham.pk).status == Status.PENDING
    assert moderator_api.get(CLUSTERS).json()["count"] == 0  # decided: no longer queued


def test_bad_cluster_requests_answer_404_or_403(moderator_api, user_api):
    """Unknown cluster or action: 404; a non-moderator: 403."""
    wave(2)
    cluster = Cluster.objects.get()
    assert moderator_api.post(f"{CLUSTERS}{cluster.pk}/burn/").status_code == 404
    assert moderator_api.post(f"{CLUSTERS}999999/spam/").status_code == 404
    assert user_api.get(CLUSTERS).status_code == 403
    assert user_api.post(f"{CLUSTERS}{cluster.pk}/spam/").status_code == 403
