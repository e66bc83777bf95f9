"""Readers' mail: opt in on submit, confirm first, hear about approved replies, leave any time."""

from datetime import timedelta
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from comments.models import Comment, Status
from comments.notify.batches import batches_flush_due
from comments.notify.models import BatchState, MailAddress, OutboundMail, Subscription
from comments.notify.outbox import mail_send
from comments.notify.services import address_confirm, notify_on_event
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/posts/hello-world/comments/"
ANN = {"author_name": "Ann", "author_email": "Ann@Example.org", "body": "A question?"}


def submit(api, **fields):
    answer = api.post(URL, {**ANN, **fields}, format="json")
    assert answer.status_code == 201, answer.content
    return Comment.objects.get(pk=answer.json()["id"])


def subscribed(api, post, confirmed=True) -> Comment:
    """Ann's approved comment, with notify_replies, her address confirmed (or not)."""
    comment = submit(api, notify_replies=True)
    Comment.objects.filter(pk=comment.pk).update(status=Status.APPROVED)
    if confirmed:
        address_confirm(address=MailAddress.objects.get())
    return comment


def reply_to(parent, status=Status.APPROVED, email="bob@example.org", name="Bob"):
    return CommentFactory(
        post=parent.post,
        parent=parent,
        status=status,
        author_email=email,
        author_name=name,
        body_source="Here is an answer.",
    )


def mails(kind):
    return list(OutboundMail.objects.filter(kind=kind).order_by("pk"))


def path_of(text: str, marker: str) -> str:
    line = next(line for line in text.splitlines() if marker in line)
    return urlsplit(line.split()[-1]).path


def test_notify_replies_is_off_by_default(api, post):
    """A submit without notify_replies subscribes nobody and mails nobody."""
    submit(api)
    assert not Subscription.objects.exists()
    assert not OutboundMail.objects.exists()


def test_the_first_opt_in_sends_one_confirmation_and_no_more(api, post):
    """The first opt-in from an address queues one confirmation; later opt-ins queue none."""
    submit(api, notify_replies=True)
    submit(api, notify_replies=True, body="Another question?")
    [confirm] = mails("confirm")
    assert confirm.to == "ann@example.org"
    assert "/notify/confirm/" in confirm.text
    assert confirm.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Subscription.objects.count() == 2


def test_nothing_but_the_confirmation_goes_to_an_unconfirmed_address(api, post):
    """An approved reply to an unconfirmed subscriber's comment mails nothing."""
    comment = subscribed(api, post, confirmed=False)
    notify_on_event(comment_id=reply_to(comment).pk, event="comment.approved")
    assert [m.kind for m in OutboundMail.objects.all()] == ["confirm"]


def test_the_confirm_link_confirms_only_by_the_pages_post(api, post):
    """Opening the link shows a button; only its POST confirms the address."""
    submit(api, notify_replies=True)
    path = path_of(mails("confirm")[0].text, "/notify/confirm/")
    assert Client().get(path).status_code == 200
    assert MailAddress.objects.get().confirmed_at is None
    assert Client().post(path).status_code == 200
    assert MailAddress.objects.get().confirmed_at is not None


def test_an_approved_reply_mails_the_subscriber_with_unsubscribe_headers(api, post, smtp):
    """The reply's approval queues a mail to the parent's author, with RFC 8058 headers."""
    comment = subscribed(api, post)
    notify_on_event(comment_id=reply_to(comment).pk, event="comment.approved")
    [mail] = mails("reply")
    assert mail.to == "ann@example.org"
    assert mail.subject == f"Bob replied to you on “{post.title}”"
    mail_send(mail_id=mail.pk)
    [message] = smtp.messages
    assert message["List-Unsubscribe"].strip().startswith("<http")
    assert "/notify/unsubscribe/" in message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Here is an answer." in mail.text
    assert "/notify/unsubscribe/" in mail.html


@pytest.mark.parametrize(
    "event",
    ["comment.created", "comment.held", "comment.spam", "comment.rejected", "comment.removed"],
)
def test_replies_that_are_not_approved_mail_nothing(api, post, event):
    """Pending, held, spam, rejected or removed replies never reach the subscriber."""
    comment = subscribed(api, post)
    notify_on_event(comment_id=reply_to(comment, status=Status.PENDING).pk, event=event)
    assert mails("reply") == []


def test_a_reply_approved_event_for_a_reply_no_longer_approved_mails_nothing(api, post):
    """A reply rejected before the mail is rendered is left out (nothing to send)."""
    comment = subscribed(api, post)
    notify_on_event(
        comment_id=reply_to(comment, status=Status.REJECTED).pk, event="comment.approved"
    )
    assert mails("reply") == []


def test_a_subscribers_own_reply_mails_nothing(api, post):
    """Replying in one's own thread does not mail oneself."""
    comment = subscribed(api, post)
    own = reply_to(comment, email="ANN@example.org", name="Ann")
    notify_on_event(comment_id=own.pk, event="comment.approved")
    assert mails("reply") == []


def test_at_most_one_mail_per_thread_per_hour_the_rest_batched(api, post):
    """Three replies within the hour make one mail now and one with the other two later."""
    comment = subscribed(api, post)
    for name in ["Bob", "Cy", "Di"]:
        notify_on_event(comment_id=reply_to(comment, name=name).pk, event="comment.approved")
    assert len(mails("reply")) == 1
    assert batches_flush_due() == 0
    BatchState.objects.update(last_sent_at=timezone.now() - timedelta(minutes=61))
    assert batches_flush_due() == 1
    later = mails("reply")[1]
    assert later.subject == f"2 new replies to you on “{post.title}”"


def test_a_held_comment_approved_by_a_moderator_mails_its_author(api, post, moderator):
    """Approval after being held tells the opted-in author, with a link to the comment."""
    comment = subscribed(api, post)
    Comment.objects.filter(pk=comment.pk).update(moderated_by=moderator)
    notify_on_event(comment_id=comment.pk, event="comment.approved")
    [mail] = mails("approved")
    assert f"#tk-comment-{comment.pk}" in mail.text
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_comment_the_scorer_approved_at_once_mails_nothing(api, post):
    """A comment published without being held needs no approval mail."""
    comment = subscribed(api, post)
    notify_on_event(comment_id=comment.pk, event="comment.approved")
    assert mails("approved") == []


def test_one_click_unsubscribe_from_a_thread_stops_its_mail_for_good(api, post):
    """The RFC 8058 POST mutes the thread: later replies and opt-ins there mail nothing."""
    comment = subscribed(api, post)
    notify_on_event(comment_id=reply_to(comment).pk, event="comment.approved")
    header = mails("reply")[0].headers["List-Unsubscribe"]
    path = urlsplit(header.strip("<>")).path
    assert Client().get(path).status_code == 200  # the page; nothing changes yet
    assert Subscription.objects.exists()
    answer = Client().post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert answer.status_code == 200
    assert not Subscription.objects.exists()
    BatchState.objects.update(last_sent_at=None)
    notify_on_event(comment_id=reply_to(comment, name="Cy").pk, event="comment.approved")
    submit(api, notify_replies=True, body="Back again?")
    assert len(mails("reply")) == 1
    assert not Subscription.objects.exists()


def test_unsubscribing_from_the_site_stops_all_reader_mail(api, post):
    """The site-wide link leaves every thread, now and later."""
    comment = subscribed(api, post)
    path = path_of(mails("confirm")[0].text, "No more mail from")
    assert Client().post(path).status_code == 200
    notify_on_event(comment_id=reply_to(comment).pk, event="comment.approved")
    assert mails("reply") == []
    assert MailAddress.objects.get().unsubscribed_at is not None


def test_a_broken_link_says_so(api, post):
    """A cut-off or forged link answers 410 with a sentence, not an error page."""
    answer = Client().post("/notify/unsubscribe/not-a-token/")
    assert answer.status_code == 410
    assert "not valid" in answer.content.decode()


def test_erasing_personal_data_removes_subscriptions_and_outbox_rows(api, post):
    """erase_personal_data deletes the address, its subscriptions and its mail."""
    comment = subscribed(api, post)
    notify_on_event(comment_id=reply_to(comment).pk, event="comment.approved")
    assert OutboundMail.objects.filter(to="ann@example.org").count() == 2
    call_command("erase_personal_data", "ann@example.org", "--yes", stdout=StringIO())
    assert not MailAddress.objects.exists()
    assert not Subscription.objects.exists()
    assert not OutboundMail.objects.filter(to__iexact="ann@example.org").exists()


def test_a_comment_caught_by_the_submit_checks_sends_no_confirmation(post):
    """A bot's comment (saved as spam at submit) cannot make the site mail its address."""
    from comments.services import comment_submit

    comment_submit(
        post=post,
        author_name="Bot",
        author_email="victim@example.org",
        body="Buy now",
        status=Status.SPAM,
        status_reason="submit check: honeypot",
        notify_replies=True,
    )
    assert not OutboundMail.objects.exists()
    assert not Subscription.objects.exists()
