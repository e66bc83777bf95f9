"""The outbox: every mail is a row, sent once after commit, retried until the server takes it."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from comments.notify.models import OutboundMail
from comments.notify.outbox import mail_queue, mail_send, message_id, outbox_sweep
from tests.notify.smtp import SmtpServer, parts

pytestmark = pytest.mark.django_db
State = OutboundMail.State


def queue(key: str = "test:1", to: str = "ann@example.org") -> OutboundMail:
    row = mail_queue(
        key=key,
        kind="test",
        to=to,
        subject="Hello",
        text="Plain words.",
        html="<p>Plain words.</p>",
        headers={"List-Unsubscribe": "<https://comments.example/u/1/>"},
    )
    assert row is not None
    return row


def make_due(row: OutboundMail) -> None:
    """Move the row's next attempt into the past (instead of waiting for the backoff)."""
    OutboundMail.objects.filter(pk=row.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def test_a_queued_mail_goes_to_the_broker_only_after_commit(
    django_capture_on_commit_callbacks, published_tasks
):
    """Queueing writes the row; the send task is published once the transaction commits."""
    with django_capture_on_commit_callbacks(execute=True):
        row = queue()
        assert published_tasks == []
    assert published_tasks == [("notify.send_mail", (row.pk,))]


def test_the_same_key_makes_one_row():
    """Deciding the same message twice (same event and recipient) records it once."""
    queue()
    assert (
        mail_queue(key="test:1", kind="test", to="ann@example.org", subject="x", text="y") is None
    )
    assert OutboundMail.objects.count() == 1


def test_sending_delivers_text_and_html_with_a_stable_message_id(smtp):
    """The server receives one message with both parts, the headers and a Message-ID."""
    row = queue()
    assert mail_send(mail_id=row.pk) is None
    [message] = smtp.messages
    assert message["To"] == "ann@example.org"
    assert message["Message-ID"] == message_id("test:1")
    assert message["List-Unsubscribe"] == "<https://comments.example/u/1/>"
    assert parts(message) == {"text/plain": "Plain words.", "text/html": "<p>Plain words.</p>"}
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (State.SENT, 1, "")
    assert row.sent_at is not None


def test_a_task_that_runs_twice_sends_once(smtp):
    """A duplicate or redelivered send task finds the row sent and does nothing."""
    row = queue()
    mail_send(mail_id=row.pk)
    mail_send(mail_id=row.pk)
    assert len(smtp.messages) == 1


def test_a_row_another_worker_is_sending_is_left_alone(smtp):
    """A fresh claim means a worker is talking to the server right now: no second send."""
    row = queue()
    OutboundMail.objects.filter(pk=row.pk).update(state=State.SENDING, claimed_at=timezone.now())
    assert mail_send(mail_id=row.pk) is None
    assert smtp.messages == []


def test_a_claim_left_by_a_killed_worker_expires_and_the_sweep_sends_it(smtp, published_tasks):
    """A worker killed mid-send leaves a claim; once it is old the sweep queues the row."""
    row = queue()
    old = timezone.now() - timedelta(hours=1)
    OutboundMail.objects.filter(pk=row.pk).update(
        state=State.SENDING, claimed_at=old, created_at=old, attempts=1
    )
    assert outbox_sweep() == 1
    assert ("notify.send_mail", (row.pk,)) in published_tasks
    mail_send(mail_id=row.pk)
    assert len(smtp.messages) == 1


def test_a_server_that_is_down_leaves_the_mail_failed_with_its_error_then_it_is_sent():
    """SMTP down: the row records the error and a retry delay; when it is back, it goes out."""
    server = SmtpServer()  # not started: connections are refused

    smtp_settings = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": server.port,
        "EMAIL_TIMEOUT": 5,
    }
    with override_settings(**smtp_settings):
        row = queue()
        delay = mail_send(mail_id=row.pk)
        row.refresh_from_db()
        assert delay == 30
        assert row.state == State.FAILED
        assert "ConnectionRefusedError" in row.last_error
        assert row.next_attempt_at > timezone.now()
        assert mail_send(mail_id=row.pk) is None  # not due yet: a duplicate waits
        server.start()
        try:
            make_due(row)
            assert mail_send(mail_id=row.pk) is None
        finally:
            server.stop()
    assert len(server.messages) == 1
    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.SENT, 2)


def test_a_temporary_refusal_is_retried_and_then_accepted(smtp):
    """A 451 answer leaves the mail failed with the server's words; the next try is accepted."""
    smtp.recorder.refuse_next = 1
    row = queue()
    assert mail_send(mail_id=row.pk) == 30
    row.refresh_from_db()
    assert row.state == State.FAILED
    assert "451" in row.last_error
    make_due(row)
    mail_send(mail_id=row.pk)
    assert len(smtp.messages) == 1
    row.refresh_from_db()
    assert row.state == State.SENT


def test_a_recipient_refused_for_good_is_not_retried(smtp):
    """A 5xx for the recipient marks the mail bounced: no retries, the error stays visible."""
    smtp.recorder.refuse_rcpt = True
    row = queue()
    assert mail_send(mail_id=row.pk) is None
    row.refresh_from_db()
    assert row.state == State.BOUNCED
    assert "550" in row.last_error
    assert row.next_attempt_at is None


def test_backoff_grows_with_each_failed_attempt(settings):
    """Each failure waits longer than the last, up to the last configured delay."""
    server = SmtpServer()  # never started
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
    row = queue()
    delays = []
    for _ in range(3):
        delays.append(mail_send(mail_id=row.pk))
        make_due(row)
    assert delays == [30, 120, 600]


def test_the_sweep_queues_failed_mail_that_is_due_and_skips_the_rest(published_tasks):
    """Due failed or forgotten rows are queued again; sent, not-yet-due and fresh ones are not."""
    old = timezone.now() - timedelta(minutes=5)
    due = queue("due")
    waiting = queue("waiting")
    sent = queue("sent")
    fresh = queue("fresh")
    OutboundMail.objects.filter(pk=due.pk).update(state=State.FAILED, created_at=old)
    OutboundMail.objects.filter(pk=waiting.pk).update(
        state=State.FAILED, created_at=old, next_attempt_at=timezone.now() + timedelta(hours=1)
    )
    OutboundMail.objects.filter(pk=sent.pk).update(state=State.SENT, created_at=old)
    assert outbox_sweep() == 1
    assert published_tasks == [("notify.send_mail", (due.pk,))]
    assert fresh.pk != due.pk


def test_the_embedded_default_writes_readable_eml_files(settings, tmp_path):
    """Without EMAIL_URL each message becomes one .eml file in the mail folder."""
    settings.EMAIL_BACKEND = "comments.notify.backends.EmlFileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    row = queue()
    mail_send(mail_id=row.pk)
    [written] = list(tmp_path.glob("*.eml"))
    text = written.read_text()
    assert "Subject: Hello" in text
    assert "To: ann@example.org" in text


def test_the_admin_shows_the_outbox_with_the_last_error(admin_client):
    """Operators see each message's state and last error in the admin."""
    row = queue()
    OutboundMail.objects.filter(pk=row.pk).update(
        state=State.FAILED, last_error="SMTPServerDisconnected: Connection unexpectedly closed"
    )
    page = admin_client.get("/admin/notify/outboundmail/")
    assert page.status_code == 200
    assert "Connection unexpectedly closed" in page.content.decode()
    assert "Failed (will be retried)" in page.content.decode()
