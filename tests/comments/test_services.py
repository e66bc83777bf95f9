"""The comment services: submit, edit, remove, and the one writer of status with its history."""

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from blog.models import Post
from comments import services
from comments.models import Comment, Status
from comments.tokens import hash_token
from tests.factories import CommentFactory, ModeratorFactory, PostFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent.parent


def submit(post: Post, body: str = "A fair point, thanks.", **kwargs) -> services.Submitted:
    values = {"author_name": "Ann Reader", "author_email": "ann@example.org", "body": body}
    return services.comment_submit(post=post, **{**values, **kwargs})


def approve(comment: Comment) -> None:
    services.comment_set_status(comment=comment, to=Status.APPROVED, actor_label="test")


def history(comment: Comment) -> list[tuple[str, str, str]]:
    return list(comment.history.values_list("actor_label", "from_status", "to_status"))


def scoring(published: list[tuple[str, tuple]]) -> list[tuple]:
    """The (comment id, revision) of every scoring message sent to the broker."""
    return [args for name, args in published if name == "moderation.score_comment"]


# --- submit


def test_submit_saves_a_pending_sanitized_comment_and_records_it(post):
    """A new comment is pending, stored as source and clean HTML, with a first history entry."""
    submitted = submit(post, body="**hi** <script>alert(1)</script>", author_name=" Ann\u200b ")
    comment = Comment.objects.get(pk=submitted.comment.pk)
    assert comment.status == Status.PENDING
    assert comment.body_source == "**hi** <script>alert(1)</script>"
    assert "<script" not in comment.body_html
    assert comment.body_html.startswith("<p><strong>hi</strong>")
    assert comment.author_name == "Ann"
    assert history(comment) == [("author", "", "pending")]


def test_submit_keeps_only_a_hash_of_the_edit_token(post):
    """The edit token is handed out once; the database holds its SHA-256 only."""
    submitted = submit(post)
    comment = Comment.objects.get(pk=submitted.comment.pk)
    assert len(submitted.edit_token) >= 40
    assert comment.edit_token_hash == hash_token(submitted.edit_token)
    assert submitted.edit_token not in comment.edit_token_hash
    assert comment.edit_expires_at > timezone.now() + timedelta(minutes=14)


def test_submit_queues_scoring_only_after_commit(
    post, django_capture_on_commit_callbacks, published_tasks
):
    """Scoring of revision 1 reaches the broker once the transaction commits, not before."""
    with django_capture_on_commit_callbacks(execute=True):
        submitted = submit(post)
        assert scoring(published_tasks) == []
    assert scoring(published_tasks) == [(submitted.comment.pk, 1)]


def test_submit_as_spam_records_why_and_queues_no_scoring(
    post, django_capture_on_commit_callbacks, published_tasks
):
    """A comment failing the submit checks is stored as spam, with the reason, and not scored."""
    with django_capture_on_commit_callbacks(execute=True):
        submitted = submit(post, status=Status.SPAM, status_reason="submit check: honeypot")
    comment = Comment.objects.get(pk=submitted.comment.pk)
    assert comment.status == Status.SPAM
    assert history(comment) == [("author", "", "pending"), ("submit checks", "pending", "spam")]
    assert comment.history.last().reason == "submit check: honeypot"
    assert scoring(published_tasks) == []


@pytest.mark.parametrize(
    "closed",
    [
        {"comments_enabled": False},
        {"is_draft": True},
        {"published_at": timezone.now() + timedelta(days=1)},
        {"published_at": timezone.now() - timedelta(days=30), "close_comments_after_days": 14},
    ],
)
def test_submit_is_refused_where_comments_are_closed(closed):
    """Disabled, draft, scheduled and aged-out posts take no comments."""
    post = PostFactory(**closed)
    with pytest.raises(services.CommentsClosed):
        submit(post)
    assert not Comment.objects.exists()


def test_a_reply_must_answer_a_published_comment_on_the_same_post(post):
    """Replies to pending comments or to another post's comments are refused on `parent`."""
    pending = CommentFactory(post=post, status=Status.PENDING)
    elsewhere = CommentFactory(post=PostFactory())
    for parent in (pending, elsewhere):
        with pytest.raises(services.CommentError) as refused:
            submit(post, parent=parent)
        assert refused.value.field == "parent"


def test_replies_stop_at_the_configured_depth(post, settings):
    """A reply deeper than COMMENTS["MAX_DEPTH"] is refused with advice to reply higher up."""
    settings.COMMENTS = {**settings.COMMENTS, "MAX_DEPTH": 1}
    top = CommentFactory(post=post)
    reply = submit(post, parent=top).comment
    assert reply.depth == 1
    approve(reply)
    with pytest.raises(services.CommentError, match="reply higher up"):
        submit(post, parent=reply)


def test_thread_path_puts_every_reply_after_its_parent(post):
    """Sorting by thread_path reads the thread in order: parent, its replies, then the next."""
    first = submit(post).comment
    second = submit(post).comment
    approve(first)
    approve(second)
    reply_to_second = submit(post, parent=second).comment
    reply_to_first = submit(post, parent=first).comment
    approve(reply_to_first)
    nested = submit(post, parent=reply_to_first).comment
    ordered = list(Comment.objects.for_post(post).in_thread_order().values_list("pk", flat=True))
    assert ordered == [first.pk, reply_to_first.pk, nested.pk, second.pk, reply_to_second.pk]
    assert [c.depth for c in Comment.objects.filter(pk__in=ordered)] == [0, 1, 2, 0, 1]
    assert nested.thread_path.startswith(reply_to_first.thread_path)


def test_thread_paths_sort_numerically_past_a_power_of_ten(post):
    """Zero-padded steps keep id 10 after id 9 (text sorting would put it first)."""
    assert services._path_step(9) < services._path_step(10) < services._path_step(100)


# --- status


def test_set_status_records_who_when_from_to_and_why(post):
    """A moderator's change is stored on the comment and as one history entry."""
    comment = CommentFactory(post=post, status=Status.PENDING)
    moderator = ModeratorFactory()
    before = timezone.now()
    assert services.comment_set_status(
        comment=comment, to=Status.REJECTED, actor=moderator, reason="off topic"
    )
    comment.refresh_from_db()
    event = comment.history.get()
    assert comment.status == Status.REJECTED
    assert comment.moderated_by == moderator
    assert comment.moderated_at >= before
    assert (event.actor, event.actor_label, event.from_status, event.to_status, event.reason) == (
        moderator,
        moderator.username,
        "pending",
        "rejected",
        "off topic",
    )
    assert event.created_at >= before


def test_setting_the_same_status_again_records_nothing(post):
    """A no-op change returns False and writes no history."""
    comment = CommentFactory(post=post, status=Status.APPROVED)
    assert services.comment_set_status(comment=comment, to=Status.APPROVED) is False
    assert comment.history.count() == 0


def test_an_unknown_status_is_refused(post):
    """Only the five statuses exist; anything else raises and names them."""
    comment = CommentFactory(post=post)
    with pytest.raises(ValueError, match="pending"):
        services.comment_set_status(comment=comment, to="published")
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED


def test_a_status_change_marks_the_thread_as_changed(post):
    """Changing a status moves the post's comments_changed_at (the thread's ETag)."""
    comment = CommentFactory(post=post, status=Status.PENDING)
    Post.objects.filter(pk=post.pk).update(comments_changed_at=timezone.now() - timedelta(hours=1))
    before = Post.objects.get(pk=post.pk).comments_changed_at
    services.comment_set_status(comment=comment, to=Status.APPROVED, actor_label="scorer")
    assert Post.objects.get(pk=post.pk).comments_changed_at > before


class _StatusWrites(ast.NodeVisitor):
    """Collect assignments to `.status` and bulk updates of status outside comment_set_status."""

    BULK = frozenset({"update", "update_or_create", "bulk_update"})

    def __init__(self) -> None:
        self.functions: list[str] = []
        self.found: list[int] = []

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    def _allowed(self) -> bool:
        return "comment_set_status" in self.functions

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr == "status" and isinstance(node.ctx, ast.Store) and not self._allowed():
            self.found.append(node.lineno)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Attribute) and node.func.attr in self.BULK:
            named = any(k.arg == "status" for k in node.keywords)
            listed = any("'status'" in ast.unparse(a) for a in node.args[1:])
            if (named or listed) and not self._allowed():
                self.found.append(node.lineno)
        self.generic_visit(node)


def status_writes(source: str) -> list[int]:
    """Return the line numbers in `source` that write a status outside comment_set_status."""
    visitor = _StatusWrites()
    visitor.visit(ast.parse(source))
    return visitor.found


def test_the_status_write_finder_sees_direct_writes():
    """The check below would catch an assignment, a queryset update and a bulk_update."""
    source = (
        "def f(c):\n    c.status = 'approved'\n"
        "def g(qs):\n    qs.update(status='spam')\n"
        "def h(objs):\n    Comment.objects.bulk_update(objs, ['status'])\n"
        "def comment_set_status(comment):\n    comment.status = 'x'\n"
    )
    assert status_writes(source) == [2, 4, 6]


def test_comment_set_status_is_the_only_writer_of_status():
    """No other code in the service assigns or bulk-updates a comment's status."""
    sources = [
        p
        for package in ("blog", "comments", "moderation")
        for p in (ROOT / package).rglob("*.py")
        if "migrations" not in p.parts
    ]
    writes = [f"{p.relative_to(ROOT)}:{n}" for p in sources for n in status_writes(p.read_text())]
    assert writes == []


# --- edit and remove


def test_an_edit_is_sanitized_again_rescored_and_back_to_pending(
    post, django_capture_on_commit_callbacks, published_tasks
):
    """Editing an approved comment bumps its revision, re-renders it and queues a new score."""
    submitted = submit(post)
    approve(submitted.comment)
    with django_capture_on_commit_callbacks(execute=True):
        edited = services.comment_edit(
            comment=submitted.comment,
            token=submitted.edit_token,
            body="Now with <iframe src=x></iframe>**bold**",
        )
    edited.refresh_from_db()
    assert edited.revision == 2
    assert edited.status == Status.PENDING
    assert edited.edited_at is not None
    assert edited.body_html == "<p>Now with <strong>bold</strong></p>"
    assert history(edited)[-1] == ("author", "approved", "pending")
    assert scoring(published_tasks) == [(edited.pk, 2)]


@pytest.mark.parametrize("token", [None, "", "not-the-token", "token "])
def test_an_edit_needs_the_right_token(post, token):
    """Without the exact edit token nothing changes."""
    comment = CommentFactory(post=post)
    with pytest.raises(services.EditNotAllowed, match="X-Edit-Token"):
        services.comment_edit(comment=comment, token=token, body="changed")
    comment.refresh_from_db()
    assert comment.body_source == "A thoughtful comment."


def test_an_edit_after_the_window_is_refused(post):
    """Once the edit window has passed, even the right token cannot change the comment."""
    comment = CommentFactory(post=post, edit_expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(services.EditNotAllowed, match="window"):
        services.comment_edit(comment=comment, token="token", body="changed")
    with pytest.raises(services.EditNotAllowed, match="window"):
        services.comment_remove(comment=comment, token="token")


@pytest.mark.parametrize("final", [Status.SPAM, Status.REJECTED, Status.REMOVED])
def test_a_decided_comment_cannot_be_edited_back_into_the_queue(post, final):
    """Spam, rejected and removed comments stay where they are, even with the token.

    The message never says "spam": its author is shown a spam comment as pending.
    """
    comment = CommentFactory(post=post, status=final)
    shown = "This comment" if final == Status.SPAM else final
    with pytest.raises(services.EditNotAllowed, match=f"{shown}.* no longer be changed"):
        services.comment_edit(comment=comment, token="token", body="please reconsider")


def test_remove_withdraws_the_comment_and_records_it(post):
    """The author's delete sets status removed, with the author as the actor."""
    comment = CommentFactory(post=post)
    services.comment_remove(comment=comment, token="token")
    comment.refresh_from_db()
    assert comment.status == Status.REMOVED
    assert history(comment) == [("author", "approved", "removed")]
    assert not Comment.objects.approved().exists()
