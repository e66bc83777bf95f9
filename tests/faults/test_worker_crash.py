"""A worker killed with SIGKILL in the middle of scoring: the comment is still scored once."""

import os
import signal

import pytest

from comments.models import Status
from tests.faults.conftest import pending_comment, scored, scorer_entries, send_score
from tests.faults.slow_signal import marks
from tests.workers import wait_for

pytestmark = [pytest.mark.faults, pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_pool_process_killed_mid_scoring_gets_the_task_again(lab, private_broker):
    """Late acknowledgement and reject_on_worker_lost hand the task to a fresh pool process."""
    worker = lab.worker("crash-child", private_broker, slow=True)
    comment = pending_comment()
    send_score(private_broker, comment)

    victim = wait_for(
        lambda: marks(lab.marks), timeout=20, message=f"scoring never started:\n{lab.logs()}"
    )[0]
    os.kill(victim, signal.SIGKILL)

    done = wait_for(
        lambda: scored(comment.pk), timeout=40, message=f"task was not redelivered:\n{lab.logs()}"
    )
    assert done.status == Status.APPROVED
    assert scorer_entries(comment.pk) == [("pending", "approved")]
    assert "WorkerLostError" in worker.log()
    assert len(marks(lab.marks)) == 2, "scored by a second delivery, not by a sweep"


def test_a_whole_worker_killed_mid_scoring_leaves_the_comment_to_the_sweep(lab, private_broker):
    """With the worker gone for good, the sweep under beat queues the comment again."""
    crashed = lab.worker("crash-all", private_broker, slow=True)
    comment = pending_comment()
    send_score(private_broker, comment)
    wait_for(lambda: marks(lab.marks), timeout=20, message=f"scoring never started:\n{lab.logs()}")
    crashed.kill()
    assert scored(comment.pk) is None

    lab.worker("after-crash", private_broker, beat=True)
    done = wait_for(
        lambda: scored(comment.pk),
        timeout=40,
        message=f"the sweep did not rescue the comment:\n{lab.logs()}",
    )
    assert done.status == Status.APPROVED
    assert scorer_entries(comment.pk) == [("pending", "approved")]
