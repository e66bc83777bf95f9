"""Learning through a real worker: a moderator's decisions reach the shared model.

Kept next to tests/test_pipeline.py (collected last) so the session's worker process
starts only after the tests that assume no worker is consuming the queue.
"""

import pytest

from comments.models import Status
from moderation.models import ClassifierState, Lesson, Reputation
from tests.factories import PostFactory
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
