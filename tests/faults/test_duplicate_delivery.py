"""The same scoring task delivered twice, to two workers racing on one comment."""

import pytest

from comments.models import Comment, Status
from tests.faults.conftest import pending_comment, scorer_entries, send_score
from tests.faults.slow_signal import marks
from tests.workers import wait_for

pytestmark = [pytest.mark.faults, pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_one_task_delivered_twice_to_two_racing_workers_gives_one_verdict(lab, private_broker):
    """Two workers get the same task at once: one scores, the other finds it done."""
    first = lab.worker("race-a", private_broker, slow=True)
    second = lab.worker("race-b", private_broker, slow=True)
    comment = pending_comment()

    send_score(private_broker, comment)
    send_score(private_broker, comment)

    def both_finished() -> bool:
        return all(
            "moderation.score_comment" in w.log() and "succeeded" in w.log()
            for w in (first, second)
        )

    wait_for(both_finished, timeout=40, message=f"both deliveries not done:\n{lab.logs()}")
    comment = Comment.objects.get(pk=comment.pk)
    assert comment.status == Status.APPROVED
    assert comment.scored_revision == comment.revision
    assert scorer_entries(comment.pk) == [("pending", "approved")]
    assert len(marks(lab.marks)) == 1, "the second delivery must not score again"
