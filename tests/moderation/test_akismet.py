"""Akismet, against its documented wire format served by a local HTTP server."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from comments.models import Comment, Status
from moderation.services import comment_learn, comment_score
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

THANKS = "Thanks for making the web a better place."


class FakeAkismet(ThreadingHTTPServer):
    """Answers like rest.akismet.com: 'true'/'false' for comment-check, thanks for submits."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.verdict = "false"
        self.pro_tip = ""
        self.status = 200

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: FakeAkismet

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        self.server.requests.append((self.path, form))
        body = self.server.verdict if self.path.endswith("comment-check") else THANKS
        self.send_response(self.server.status)
        if self.server.pro_tip:
            self.send_header("X-akismet-pro-tip", self.server.pro_tip)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serving(server: FakeAkismet, settings) -> Iterator[FakeAkismet]:
    """Run `server` in a thread, with settings that point the scorer at it with a key."""
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.MODERATION = {
        "AKISMET_API_KEY": "abc123",
        "AKISMET_BLOG_URL": "https://blog.example",
        "AKISMET_API_URL": server.url,
    }
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def akismet(settings) -> Iterator[FakeAkismet]:
    """A local Akismet, and settings that point the scorer at it with a key."""
    with serving(FakeAkismet(), settings) as server:
        yield server


def submitted(**fields: object) -> Comment:
    """Return a pending comment carrying the request context saved at submit time."""
    post = PostFactory(slug="akismet-post")
    return CommentFactory(
        post=post,
        status=Status.PENDING,
        author_name="Viagra Seller",
        author_email="seller@x.example",
        body_source="Cheap pills here",
        body_html="<p>Cheap pills here</p>",
        ip_address="198.51.100.23",
        user_agent="Mozilla/5.0 (spambot)",
        referrer="https://blog.example/",
        **fields,
    )


def scored(comment: Comment) -> Comment:
    comment_score(comment_id=comment.pk, revision=comment.revision)
    comment.refresh_from_db()
    return comment


def test_comment_check_sends_the_documented_fields(akismet):
    """comment-check is a form POST to /1.1/comment-check with key, site and request context."""
    scored(submitted())
    path, form = akismet.requests[0]
    assert path == "/1.1/comment-check"
    assert form["api_key"] == "abc123"
    assert form["blog"] == "https://blog.example"
    assert form["user_ip"] == "198.51.100.23"
    assert form["user_agent"] == "Mozilla/5.0 (spambot)"
    assert form["referrer"] == "https://blog.example/"
    assert form["permalink"] == "https://blog.example/posts/akismet-post/"
    assert form["comment_type"] == "comment"
    assert form["comment_author"] == "Viagra Seller"
    assert form["comment_author_email"] == "seller@x.example"
    assert form["comment_content"] == "Cheap pills here"


def test_akismet_saying_spam_is_a_reason_for_moderators(akismet):
    """A 'true' answer adds weight and the reason 'Akismet: spam'."""
    akismet.verdict = "true"
    comment = scored(submitted())
    assert "Akismet: spam" in comment.spam_reasons


def test_blatant_spam_is_flagged_as_such(akismet):
    """'true' with the discard pro-tip header is blatant spam."""
    akismet.verdict, akismet.pro_tip = "true", "discard"
    comment = scored(submitted())
    assert "Akismet: blatant spam" in comment.spam_reasons
    assert comment.status == Status.SPAM


def test_akismet_saying_ham_adds_no_reason(akismet):
    """A 'false' answer is quiet."""
    comment = scored(submitted())
    assert not any(r.startswith("Akismet") for r in comment.spam_reasons)
    assert comment.status == Status.APPROVED


def test_an_akismet_outage_does_not_stop_scoring(akismet):
    """When Akismet answers 500 the comment is still scored, without its opinion."""
    akismet.status = 500
    comment = scored(submitted())
    assert comment.scored_at is not None
    assert not any(r.startswith("Akismet") for r in comment.spam_reasons)


def test_without_a_key_akismet_is_never_called(akismet, settings):
    """Akismet is off unless MODERATION['AKISMET_API_KEY'] is set."""
    settings.MODERATION = {"AKISMET_API_URL": akismet.url}
    scored(submitted())
    assert akismet.requests == []


def test_a_spam_decision_is_submitted_with_the_original_request_context(
    akismet, django_capture_on_commit_callbacks
):
    """submit-spam carries the IP, user agent and referrer saved when the comment came in."""
    comment = submitted()
    Comment.objects.filter(pk=comment.pk).update(status=Status.SPAM)
    with django_capture_on_commit_callbacks(execute=True):
        comment_learn(comment_id=comment.pk)
    path, form = akismet.requests[-1]
    assert path == "/1.1/submit-spam"
    assert (form["user_ip"], form["user_agent"], form["referrer"]) == (
        "198.51.100.23",
        "Mozilla/5.0 (spambot)",
        "https://blog.example/",
    )
    assert form["comment_content"] == "Cheap pills here"


def test_a_false_positive_is_submitted_as_ham(akismet, django_capture_on_commit_callbacks):
    """A comment first marked spam, then approved, is reported with submit-ham."""
    comment = submitted()
    Comment.objects.filter(pk=comment.pk).update(status=Status.SPAM)
    with django_capture_on_commit_callbacks(execute=True):
        comment_learn(comment_id=comment.pk)
    Comment.objects.filter(pk=comment.pk).update(status=Status.APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        comment_learn(comment_id=comment.pk)
    assert [path for path, _ in akismet.requests] == ["/1.1/submit-spam", "/1.1/submit-ham"]
