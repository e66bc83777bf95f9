"""Mail through a real worker: held comment → alert at a real SMTP server; outages survived."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone

from comments.notify.models import OutboundMail
from comments.notify.outbox import mail_queue, outbox_sweep
from tests.conftest import ARTIFACTS, purge_broker
from tests.factories import ModeratorFactory, PostFactory
from tests.notify.smtp import SmtpServer
from tests.workers import Child, start_worker, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    """An SMTP server on a fixed loopback port; each test decides when it is up."""
    smtp = SmtpServer()
    yield smtp
    smtp.stop()


@pytest.fixture
def mail_worker(server: SmtpServer) -> Iterator[Child]:
    """A worker (celery and events queues) that mails through `server`, retrying fast."""
    purge_broker()
    worker = start_worker(
        "mail",
        ARTIFACTS / "logs",
        env={"EMAIL_URL": server.url, "THREADKEEPER_TEST_FAST_MAIL_RETRY": "1"},
    )
    yield worker
    worker.stop()
    purge_broker()


def test_a_held_comment_reaches_each_moderator_as_one_alert(mail_worker, server, api):
    """Submit → score → held → event → alert → outbox → SMTP, all through the worker."""
    server.start()
    moderator = ModeratorFactory()
    PostFactory(slug="careful", moderation_mode="pre")
    answer = api.post(
        "/api/v1/posts/careful/comments/",
        {"author_name": "Ann", "author_email": "ann@example.org", "body": "First time here."},
        format="json",
    )
    assert answer.status_code == 201
    wait_for(
        lambda: server.messages,
        timeout=60,
        message=f"no alert arrived; worker log:\n{mail_worker.log()[-4000:]}",
    )
    [message] = server.messages
    assert message["To"] == moderator.email
    assert "Held for moderation" in message["Subject"]
    row = OutboundMail.objects.get()
    assert (row.state, row.attempts) == ("sent", 1)


def test_mail_queued_while_the_server_is_down_is_sent_once_when_it_is_back(mail_worker, server):
    """The worker's first tries fail and are recorded; once the server is up, one copy arrives."""
    mail_queue(key="outage:1", kind="test", to="ann@example.org", subject="Hi", text="Hello.")
    row = wait_for(
        lambda: OutboundMail.objects.filter(key="outage:1", state="failed").first(),
        timeout=30,
        message=f"the send was never tried; worker log:\n{mail_worker.log()[-4000:]}",
    )
    assert "ConnectionRefusedError" in row.last_error
    server.start()
    wait_for(
        lambda: OutboundMail.objects.filter(key="outage:1", state="sent").exists(),
        timeout=30,
        message=f"never sent after the server came back; log:\n{mail_worker.log()[-4000:]}",
    )
    assert len(server.messages) == 1


def test_a_worker_killed_mid_send_leaves_a_claim_that_a_new_worker_sends_once(mail_worker, server):
    """SIGKILL while talking to the server: the mail is not lost, and arrives exactly once."""
    server.recorder.stall_rcpt = True
    server.start()
    mail_queue(key="killed:1", kind="test", to="ann@example.org", subject="Hi", text="Hello.")
    wait_for(lambda: server.recorder.stalled, timeout=30, message="the send never started")
    mail_worker.kill()
    server.recorder.stall_rcpt = False
    row = OutboundMail.objects.get(key="killed:1")
    assert row.state == "sending"  # claimed by the dead worker, not sent
    an_hour_ago = timezone.now() - timedelta(hours=1)
    OutboundMail.objects.filter(pk=row.pk).update(claimed_at=an_hour_ago, created_at=an_hour_ago)
    successor = start_worker("mail-2", ARTIFACTS / "logs", env={"EMAIL_URL": server.url})
    try:
        assert outbox_sweep() == 1
        wait_for(
            lambda: OutboundMail.objects.filter(key="killed:1", state="sent").exists(),
            timeout=30,
            message=f"never sent by the new worker; log:\n{successor.log()[-4000:]}",
        )
    finally:
        successor.stop()
    assert len(server.messages) == 1
    assert OutboundMail.objects.get(key="killed:1").attempts == 2
