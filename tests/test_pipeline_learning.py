"""Learning through a real worker: a moderator's decisions reach the shared model.

Kept next to tests/test_pipeline.py (collected last) so the session's worker process
starts only after the tests that assume no worker is consuming the queue.
"""

import pytest

from comments.models import Comment, Status
from moderation.models import ClassifierState, Lesson, Reputation
from moderation.tasks import score_comment
from tests.factories import PostFactory
from tests.moderation import test_link_learning as links
from tests.moderation.test_learning import spam_comment
from tests.workers import wait_for


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_moderators_spam_then_ham_is_learned_by_a_real_worker(celery_worker, moderator_api):
    """Through the API and a worker process: spam is learned, then unlearned for ham."""
    post = PostFactory(slug="learned")
    comment = spam_comment(post=post, status=Status.PENDING)
    answer = moderator_api.post(f"/api/v1/moderation/comments/{comment.pk}/spam/")
    assert answer.status_code == 200
    wait_for(
        lambda: ClassifierState.objects.filter(spam_docs=1).exists(),
        timeout=30,
        message=f"spam never learned; worker log:\n{celery_worker.log()}",
    )
    assert Reputation.objects.get(kind="domain", key="promo.example").spam == 1

    moderator_api.post(f"/api/v1/moderation/comments/{comment.pk}/ham/")
    wait_for(
        lambda: ClassifierState.objects.filter(spam_docs=0, ham_docs=1).exists(),
        timeout=30,
        message=f"ham never learned; worker log:\n{celery_worker.log()}",
    )
    assert Reputation.objects.get(kind="domain", key="promo.example").spam == 0
    assert Lesson.objects.get(comment_id=comment.pk).label == "ham"


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_moderators_link_spam_decision_lifts_the_link_rule_for_the_workers(
    celery_worker, moderator_api, settings
):
    """The 59th link comment a moderator marks spam (API, worker) lifts the link rule: the
    worker then marks link spam with ordinary words spam where it held it before."""
    settings.MODERATION = {}
    links.bootstrap_site()
    links.decide_spam(links.NEEDED - 1)  # what the worker learned from earlier decisions

    def scored_by_worker() -> Comment:
        comment = links.probe()
        score_comment.delay(comment.pk, comment.revision)
        wait_for(
            lambda: Comment.objects.filter(pk=comment.pk, scored_revision=1).exists(),
            timeout=30,
            message=f"never scored; worker log:\n{celery_worker.log()}",
        )
        comment.refresh_from_db()
        return comment

    assert scored_by_worker().status == Status.PENDING
    last = links.link_comment(links.NEEDED - 1, status=Status.PENDING)
    answer = moderator_api.post(f"/api/v1/moderation/comments/{last.pk}/spam/")
    assert answer.status_code == 200
    wait_for(
        lambda: ClassifierState.objects.filter(link_spam=links.NEEDED).exists(),
        timeout=30,
        message=f"link decision never learned; worker log:\n{celery_worker.log()}",
    )
    assert scored_by_worker().status == Status.SPAM
