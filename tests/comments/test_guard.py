"""The submit guard: a site's own guards, listed in COMMENTS["SUBMIT_GUARDS"], decide too."""

import pytest

from comments.guard import Submission, SubmitForbidden
from comments.models import Comment, Status

pytestmark = pytest.mark.django_db

URL = "/api/v1/posts/hello-world/comments/"
VALID = {"author_name": "Ann", "author_email": "ann@example.org", "body": "Thanks!"}
SEEN: list[Submission] = []


def refuse(submission: Submission) -> str | None:
    raise SubmitForbidden("You may not comment here.")


def shadow(submission: Submission) -> str | None:
    SEEN.append(submission)
    return "a site guard said so"


def use(settings, *guards: str) -> None:
    settings.COMMENTS = {**settings.COMMENTS, "SUBMIT_GUARDS": [f"{__name__}.{g}" for g in guards]}


def test_a_guard_that_refuses_answers_403_with_its_message(api, post, settings):
    """A guard raising SubmitForbidden turns the submit into a 403 naming why; nothing is saved."""
    use(settings, "refuse")
    answer = api.post(URL, VALID, format="json")
    assert answer.status_code == 403
    assert answer.json() == {"detail": "You may not comment here."}
    assert not Comment.objects.exists()


def test_a_guard_reason_stores_the_comment_as_spam_and_answers_201(api, post, settings):
    """A guard's reason is recorded and the comment stored as spam, while the sender sees 201."""
    use(settings, "shadow")
    SEEN.clear()
    answer = api.post(URL, VALID, format="json")
    assert answer.status_code == 201
    comment = Comment.objects.get()
    assert comment.status == Status.SPAM
    assert comment.history.last().reason == "submit check: a site guard said so"
    assert SEEN[0].author_email == "ann@example.org"
    assert SEEN[0].ip_address == "203.0.113.10"


def test_comments_own_refusals_come_before_the_site_guards(api, post, settings):
    """A duplicate is refused as a duplicate (400), before any site guard is asked."""
    use(settings, "shadow")
    api.post(URL, VALID, format="json")
    SEEN.clear()
    answer = api.post(URL, VALID, format="json")
    assert answer.status_code == 400
    assert "body" in answer.json()
    assert SEEN == []
