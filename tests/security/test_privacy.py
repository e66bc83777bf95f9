"""Privacy: e-mail, IP and user agent never leave publicly; IP retention; export and erasure."""

import io
import json
import logging
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from blog.celery import app as celery_app
from comments.models import Comment, Status
from comments.privacy import ERASED_NAME, EXPORT_FIELDS
from comments.services import comment_set_status
from comments.tasks import anonymize_old_ips
from moderation.models import BlockRule, Reputation
from moderation.services import comment_score
from tests.cache_dump import cache_dump
from tests.factories import CommentFactory
from tests.security.conftest import submit

pytestmark = pytest.mark.django_db

EMAIL = "zebulon.private.7731@example.net"
IP = "198.51.100.173"
UA = "PrivateBrowser/9.1 (Secret-UA-ZQX)"


@pytest.fixture
def approved_private_comment(
    post: Any, moderator_api: APIClient, caplog: Any, django_capture_on_commit_callbacks: Any
) -> dict[str, Any]:
    """A comment with a distinctive e-mail, IP and UA: submitted, scored and approved."""
    caplog.set_level(logging.DEBUG)
    reader = APIClient(REMOTE_ADDR=IP, HTTP_USER_AGENT=UA)
    with django_capture_on_commit_callbacks(execute=False):
        answer = submit(
            reader,
            author_email=EMAIL,
            author_url="https://zebulon.example/",
            body="Hello from a private person.",
        )
    assert answer.status_code == 201
    created = answer.json()
    comment = Comment.objects.get(pk=created["id"])
    comment_score(comment_id=comment.pk, revision=comment.revision)
    moderator_api.post(f"/api/v1/moderation/comments/{comment.pk}/approve/", {}, format="json")
    reply = submit(APIClient(REMOTE_ADDR="203.0.113.99"), parent=comment.pk)
    assert reply.status_code == 201
    return {"submit": answer.content.decode(), "id": comment.pk, "token": created["edit_token"]}


def test_personal_data_never_leaves_through_public_answers_pages_or_logs(
    approved_private_comment: dict[str, Any], caplog: Any
) -> None:
    """Every public endpoint and page, and every log line, is free of e-mail, IP and UA."""
    anyone = APIClient(REMOTE_ADDR="203.0.113.5")
    pk, token = approved_private_comment["id"], approved_private_comment["token"]
    thread = anyone.get("/api/v1/posts/hello-world/comments/")
    avatar = thread.json()["results"][0]["avatar_url"]
    answers = [
        approved_private_comment["submit"],
        thread.content.decode(),
        anyone.get("/api/v1/posts/").content.decode(),
        anyone.get("/api/v1/posts/hello-world/").content.decode(),
        anyone.get(f"/api/v1/comments/{pk}/").content.decode(),
        anyone.get(f"/api/v1/comments/{pk}/", HTTP_X_EDIT_TOKEN=token).content.decode(),
        anyone.get("/api/v1/counts/?post=hello-world").content.decode(),
        anyone.get("/").content.decode(),
        anyone.get("/posts/hello-world/").content.decode(),
        anyone.get(avatar).content.decode(),
        anyone.get("/api/v1/moderation/comments/").content.decode(),
        anyone.get(f"/api/v1/moderation/comments/{pk}/").content.decode(),
    ]
    assert "Hello from a private person." in answers[1]
    records = caplog.get_records("setup") + caplog.get_records("call")
    logs = "\n".join(f"{r.getMessage()} {r.args} {r.exc_text or ''}" for r in records)
    assert "scored comment" in logs  # the capture did see the pipeline's own logging
    for secret in (EMAIL, IP, UA, "zebulon.private"):
        for text in answers:
            assert secret not in text
        assert secret not in logs


def test_old_ips_are_anonymized_by_the_periodic_task(post: Any, comments_settings: Any) -> None:
    """Past IP_RETENTION_DAYS the task clears IP, UA and referrer and keeps the /24 network."""
    comments_settings(IP_RETENTION_DAYS=7)
    old = CommentFactory(
        post=post,
        ip_address="198.51.100.9",
        ip_network="198.51.100.0/24",
        user_agent=UA,
        referrer="https://ref.example/",
    )
    new = CommentFactory(
        post=post, ip_address="198.51.100.10", ip_network="198.51.100.0/24", user_agent=UA
    )
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    assert anonymize_old_ips() == 1
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.ip_address, old.user_agent, old.referrer) == (None, "", "")
    assert old.ip_network == "198.51.100.0/24"
    assert (new.ip_address, new.user_agent) == ("198.51.100.10", UA)
    assert anonymize_old_ips() == 0


def test_default_retention_is_thirty_days(post: Any) -> None:
    """Without a setting, IPs are kept 30 days."""
    kept = CommentFactory(post=post, ip_address="198.51.100.11")
    gone = CommentFactory(post=post, ip_address="198.51.100.12")
    Comment.objects.filter(pk=kept.pk).update(created_at=timezone.now() - timedelta(days=29))
    Comment.objects.filter(pk=gone.pk).update(created_at=timezone.now() - timedelta(days=31))
    anonymize_old_ips()
    assert Comment.objects.get(pk=kept.pk).ip_address == "198.51.100.11"
    assert Comment.objects.get(pk=gone.pk).ip_address is None


def test_the_task_is_registered_and_scheduled() -> None:
    """celery beat runs comments.anonymize_old_ips, and the worker knows it by that name."""
    celery_app.loader.import_default_modules()
    assert "comments.anonymize_old_ips" in celery_app.tasks
    schedule = celery_app.conf.beat_schedule
    assert "comments.anonymize_old_ips" in {entry["task"] for entry in schedule.values()}


def test_export_prints_everything_stored_about_one_email(post: Any) -> None:
    """export_personal_data prints JSON of all that person's comments, and only theirs."""
    mine = CommentFactory(
        post=post, author_email=EMAIL, ip_address=IP, user_agent=UA, body_source="My words."
    )
    CommentFactory(post=post, author_email="someone.else@example.org", body_source="Theirs.")
    out, err = io.StringIO(), io.StringIO()
    call_command("export_personal_data", EMAIL.upper(), stdout=out, stderr=err)
    data = json.loads(out.getvalue())
    assert data["comment_count"] == 1
    record = data["comments"][0]
    assert record["id"] == mine.pk
    assert (record["author_email"], record["ip_address"], record["user_agent"]) == (EMAIL, IP, UA)
    assert record["body_source"] == "My words."
    assert record["post"] == "hello-world"
    assert "Exported 1 comment(s)" in err.getvalue()


def test_erase_anonymizes_after_confirmation(post: Any, api: APIClient) -> None:
    """erase_personal_data --yes removes name, e-mail, IP, UA and body; threads stay intact."""
    mine = CommentFactory(
        post=post,
        author_email=EMAIL,
        ip_address=IP,
        user_agent=UA,
        author_name="Zebulon",
        body_source="Secret words",
        body_html="<p>Secret words</p>",
    )
    reply = CommentFactory(post=post, parent=mine, body_html="<p>A reply.</p>")
    out = io.StringIO()
    call_command("erase_personal_data", EMAIL, "--yes", stdout=out)
    assert "Erased the personal data and bodies of 1 comment(s)" in out.getvalue()
    mine.refresh_from_db()
    assert mine.author_name == ERASED_NAME
    assert (mine.author_email, mine.ip_address, mine.ip_network, mine.user_agent) == (
        "",
        None,
        "",
        "",
    )
    assert "Secret" not in mine.body_source + mine.body_html
    assert mine.edit_token_hash == ""
    thread = api.get("/api/v1/posts/hello-world/comments/").json()["results"]
    assert [c["id"] for c in thread] == [mine.pk, reply.pk]
    assert thread[0]["author_name"] == ERASED_NAME
    assert Comment.objects.filter(author_email__iexact=EMAIL).count() == 0


def test_erase_can_keep_bodies(post: Any) -> None:
    """--keep-bodies removes what identifies the person but keeps what they wrote."""
    mine = CommentFactory(post=post, author_email=EMAIL, body_source="Keep me.")
    call_command("erase_personal_data", EMAIL, "--yes", "--keep-bodies", stdout=io.StringIO())
    mine.refresh_from_db()
    assert (mine.author_email, mine.body_source) == ("", "Keep me.")


def test_erase_asks_first_and_does_nothing_when_refused(post: Any, monkeypatch: Any) -> None:
    """Without --yes the command asks; any answer but 'yes' leaves the data alone."""
    mine = CommentFactory(post=post, author_email=EMAIL)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Nothing was erased"):
        call_command("erase_personal_data", EMAIL, stdout=io.StringIO())
    mine.refresh_from_db()
    assert mine.author_email == EMAIL


def test_erase_of_an_unknown_email_says_so(db: None) -> None:
    """Erasing an address with no comments says there was nothing to erase."""
    out = io.StringIO()
    call_command("erase_personal_data", "nobody@example.org", "--yes", stdout=out)
    assert "nothing to erase" in out.getvalue()


def test_erased_comment_keeps_its_status(post: Any) -> None:
    """Erasure changes no status: an approved comment stays in the thread."""
    mine = CommentFactory(post=post, author_email=EMAIL, status=Status.PENDING)
    comment_set_status(comment=mine, to=Status.APPROVED, actor_label="test")
    call_command("erase_personal_data", EMAIL, "--yes", stdout=io.StringIO())
    assert Comment.objects.get(pk=mine.pk).status == Status.APPROVED


def test_erase_clears_every_store_caches_included(
    post: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Erasure leaves the person in no row, reason, history note, blocklist note or cache entry."""
    BlockRule.objects.create(kind="email", pattern=EMAIL, note=f"spammer {EMAIL} again")
    BlockRule.objects.create(kind="ip", pattern=IP, action="spam", note=f"{IP} from abuse desk")
    Reputation.objects.create(kind="email", key=EMAIL, spam=1)
    Reputation.objects.create(kind="ip", key=IP, spam=1)
    reader = APIClient(REMOTE_ADDR=IP, HTTP_USER_AGENT=UA)
    with django_capture_on_commit_callbacks(execute=False):
        answer = submit(reader, author_email=EMAIL, HTTP_IDEMPOTENCY_KEY="erase-me")
    comment = Comment.objects.get(pk=answer.json()["id"])
    comment_score(comment_id=comment.pk, revision=comment.revision)
    comment.refresh_from_db()
    stores = _person_stores(comment.pk)
    assert EMAIL in stores["reasons"]
    assert IP in stores["reasons"]
    assert EMAIL in stores["blocklist notes"]
    assert b"sealed" in cache_dump()

    call_command("erase_personal_data", EMAIL, "--yes", stdout=io.StringIO())

    for store, text in _person_stores(comment.pk).items():
        assert EMAIL not in text, store
        assert IP not in text, store
    assert "blocklisted email: [erased]" in _person_stores(comment.pk)["reasons"]
    assert not Reputation.objects.filter(key__in=[EMAIL, IP]).exists()
    dump = cache_dump()
    assert b"sealed" not in dump  # the submit answer kept for retries
    assert IP.encode() not in dump  # the rate-limit history
    assert EMAIL.encode() not in dump


def _person_stores(comment_id: int) -> dict[str, str]:
    comment = Comment.objects.get(pk=comment_id)
    return {
        "comment": json.dumps(comments_export_fields(comment), default=str),
        "reasons": json.dumps(comment.spam_reasons),
        "history": json.dumps([e.reason for e in comment.history.all()]),
        "blocklist notes": json.dumps(list(BlockRule.objects.values_list("note", flat=True))),
    }


def comments_export_fields(comment: Comment) -> dict[str, Any]:
    return {name: getattr(comment, name) for name in EXPORT_FIELDS}
