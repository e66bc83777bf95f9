"""GET, PATCH and DELETE /api/v1/comments/{id}/: public reads, and the author's own changes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import Comment, Status
from tests.contract import PUBLIC_COMMENT_FIELDS
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

PRIVATE = ("author_email", "ip_address", "user_agent", "spam_score", "spam_reasons", "status")


def url(comment: Comment | int) -> str:
    return f"/api/v1/comments/{getattr(comment, 'pk', comment)}/"


def submit(api, post, body: str = "My first thought on this.") -> dict:
    answer = api.post(
        f"/api/v1/posts/{post.slug}/comments/",
        {"author_name": "Ann", "author_email": "ann@example.org", "body": body},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    return answer.json()


def as_author(token: str) -> dict[str, str]:
    return {"HTTP_X_EDIT_TOKEN": token}


# --- reading


def test_an_approved_comment_is_public_in_its_public_form(api, post):
    """Anyone can read an approved comment, with the nine public fields only."""
    comment = CommentFactory(post=post, author_email="private@example.org", ip_address="10.1.2.3")
    answer = api.get(url(comment))
    assert answer.status_code == 200
    assert set(answer.json()) == PUBLIC_COMMENT_FIELDS
    assert "private@example.org" not in answer.content.decode()
    assert "10.1.2.3" not in answer.content.decode()


@pytest.mark.parametrize("status", [Status.PENDING, Status.REJECTED, Status.SPAM, Status.REMOVED])
def test_someone_elses_unpublished_comment_is_not_found(api, post, status):
    """Without the author's token, a comment that is not approved does not exist: 404."""
    comment = CommentFactory(post=post, status=status)
    assert api.get(url(comment)).status_code == 404
    assert api.get(url(comment), **as_author("wrong")).status_code == 404


def test_the_author_sees_their_pending_comment_with_its_status(api, post):
    """With X-Edit-Token the author reads back their pending comment, status included."""
    created = submit(api, post)
    answer = api.get(url(created["id"]), **as_author(created["edit_token"]))
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "pending"
    assert body["body_html"] == created["body_html"]
    assert set(body) == PUBLIC_COMMENT_FIELDS | {"status", "edit_expires_at"}
    assert "edit_token" not in body
    assert "ann@example.org" not in answer.content.decode()


def test_another_comments_token_does_not_open_a_pending_comment(api, post):
    """An edit token opens only the comment it was issued for."""
    mine = submit(api, post, "Mine.")
    theirs = submit(api, post, "Theirs, a different comment.")
    assert api.get(url(theirs["id"]), **as_author(mine["edit_token"])).status_code == 404


@pytest.mark.parametrize("missing", [999_999, 2**63, 10**30])
def test_an_unknown_comment_is_not_found(api, db, missing):
    """Ids that name no comment, however large, answer 404."""
    assert api.get(url(missing)).status_code == 404


def test_a_path_that_is_not_an_id_is_not_found(api, db):
    """A non-numeric id is simply not a comment address."""
    assert api.get("/api/v1/comments/abc/").status_code == 404


# --- editing


def test_an_edit_inside_the_window_is_sanitized_and_scored_again(
    api, post, django_capture_on_commit_callbacks, published_tasks
):
    """PATCH with the token re-renders the body, bumps the revision and queues a new score."""
    created = submit(api, post)
    Comment.objects.filter(pk=created["id"]).update(status=Status.APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.patch(
            url(created["id"]),
            {"body": "Edited: <script>alert(1)</script>*better*"},
            format="json",
            **as_author(created["edit_token"]),
        )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["status"] == "pending"
    assert body["body_html"] == "<p>Edited: alert(1)<em>better</em></p>"
    assert body["edited_at"] is not None
    comment = Comment.objects.get(pk=created["id"])
    assert comment.revision == 2
    assert comment.body_source == "Edited: <script>alert(1)</script>*better*"
    assert published_tasks == [("moderation.score_comment", (comment.pk, 2))]
    assert list(comment.history.values_list("from_status", "to_status"))[-1] == (
        "approved",
        "pending",
    )


def test_an_edited_approved_comment_leaves_the_public_thread_until_scored(api, post):
    """Once edited, a published comment is pending again and hidden from readers."""
    created = submit(api, post)
    Comment.objects.filter(pk=created["id"]).update(status=Status.APPROVED)
    api.patch(
        url(created["id"]), {"body": "Changed."}, format="json", **as_author(created["edit_token"])
    )
    assert api.get(f"/api/v1/posts/{post.slug}/comments/").json()["results"] == []
    assert api.get(url(created["id"])).status_code == 404


@pytest.mark.parametrize("headers", [{}, {"HTTP_X_EDIT_TOKEN": ""}, as_author("not-it")])
def test_an_edit_without_the_right_token_is_forbidden(api, post, headers):
    """PATCH without the author's token answers 403 and changes nothing."""
    created = submit(api, post)
    answer = api.patch(url(created["id"]), {"body": "Hijacked."}, format="json", **headers)
    assert answer.status_code == 403
    assert "X-Edit-Token" in answer.json()["detail"]
    assert Comment.objects.get(pk=created["id"]).body_source == "My first thought on this."


def test_an_edit_after_the_window_is_forbidden(api, post):
    """Once the edit window is over, PATCH answers 403 and says so."""
    created = submit(api, post)
    Comment.objects.filter(pk=created["id"]).update(
        edit_expires_at=timezone.now() - timedelta(seconds=1)
    )
    answer = api.patch(
        url(created["id"]), {"body": "Too late."}, format="json", **as_author(created["edit_token"])
    )
    assert answer.status_code == 403
    assert "window" in answer.json()["detail"]


def test_the_edit_window_is_the_operators_setting(api, post, settings):
    """COMMENTS["EDIT_WINDOW_SECONDS"] sets how long the author may change the comment."""
    settings.COMMENTS = {**settings.COMMENTS, "EDIT_WINDOW_SECONDS": 60}
    created = submit(api, post)
    expires = Comment.objects.get(pk=created["id"]).edit_expires_at
    assert timedelta(seconds=55) < expires - timezone.now() <= timedelta(seconds=60)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "body"),
        ({"body": ""}, "body"),
        ({"body": "x" * 10_001}, "body"),
        ({"body": None}, "body"),
        ({"body": {"a": 1}}, "body"),
        ({"body": "nul\u0000"}, "body"),
    ],
)
def test_a_bad_edit_is_a_400_on_body(api, post, payload, field):
    """An empty, over-long or mistyped new body is refused with a field error."""
    created = submit(api, post)
    answer = api.patch(
        url(created["id"]), payload, format="json", **as_author(created["edit_token"])
    )
    assert answer.status_code == 400
    assert list(answer.json()) == [field]


@pytest.mark.parametrize("raw", [b"not json", b"[1]", b"null", b'"body"'])
def test_a_malformed_edit_is_a_400(api, post, raw):
    """A PATCH body that is not a JSON object answers 400."""
    created = submit(api, post)
    answer = api.generic(
        "PATCH",
        url(created["id"]),
        raw,
        content_type="application/json",
        **as_author(created["edit_token"]),
    )
    assert answer.status_code == 400


def test_an_edit_of_an_unknown_comment_is_not_found(api, db):
    """PATCH on an id that names no comment answers 404."""
    answer = api.patch(url(424242), {"body": "x"}, format="json", **as_author("t"))
    assert answer.status_code == 404


@pytest.mark.parametrize("final", [Status.SPAM, Status.REJECTED])
def test_a_decided_comment_cannot_be_edited(api, post, final):
    """Spam and rejected comments stay decided: PATCH answers 403."""
    created = submit(api, post)
    Comment.objects.filter(pk=created["id"]).update(status=final)
    answer = api.patch(
        url(created["id"]),
        {"body": "Let me in."},
        format="json",
        **as_author(created["edit_token"]),
    )
    assert answer.status_code == 403


# --- deleting


def test_the_author_can_withdraw_a_comment_inside_the_window(api, post):
    """DELETE with the token answers 204, sets status removed and hides the comment."""
    created = submit(api, post)
    Comment.objects.filter(pk=created["id"]).update(status=Status.APPROVED)
    answer = api.delete(url(created["id"]), **as_author(created["edit_token"]))
    assert answer.status_code == 204
    comment = Comment.objects.get(pk=created["id"])
    assert comment.status == Status.REMOVED
    assert comment.history.last().actor_label == "author"
    assert api.get(url(created["id"])).status_code == 404
    assert api.get(f"/api/v1/posts/{post.slug}/comments/").json()["results"] == []
    assert api.get(url(created["id"]), **as_author(created["edit_token"])).json()["status"] == (
        "removed"
    )


@pytest.mark.parametrize("headers", [{}, as_author("not-it")])
def test_a_delete_without_the_right_token_is_forbidden(api, post, headers):
    """DELETE without the author's token answers 403 and the comment stays."""
    created = submit(api, post)
    assert api.delete(url(created["id"]), **headers).status_code == 403
    assert Comment.objects.get(pk=created["id"]).status == Status.PENDING


def test_a_delete_after_the_window_is_forbidden(api, post):
    """Past the edit window, even the author cannot withdraw the comment through the API."""
    created = submit(api, post)
    Comment.objects.filter(pk=created["id"]).update(
        edit_expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert api.delete(url(created["id"]), **as_author(created["edit_token"])).status_code == 403


def test_a_withdrawn_comment_cannot_be_edited_or_withdrawn_again(api, post):
    """After DELETE, PATCH and a second DELETE answer 403."""
    created = submit(api, post)
    token = as_author(created["edit_token"])
    assert api.delete(url(created["id"]), **token).status_code == 204
    assert api.patch(url(created["id"]), {"body": "Back."}, format="json", **token).status_code == (
        403
    )
    assert api.delete(url(created["id"]), **token).status_code == 403


def test_a_delete_of_an_unknown_comment_is_not_found(api, db):
    """DELETE on an id that names no comment answers 404."""
    assert api.delete(url(424242), **as_author("t")).status_code == 404


def test_other_methods_are_not_allowed(api, post):
    """POST and PUT on a comment address answer 405."""
    comment = CommentFactory(post=post)
    assert api.post(url(comment), {}, format="json").status_code == 405
    assert api.put(url(comment), {"body": "x"}, format="json").status_code == 405
