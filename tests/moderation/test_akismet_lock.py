"""Akismet is asked before the comment is locked: a slow answer never blocks the author."""

from collections.abc import Iterator

import pytest
from django.db import connections

from comments.models import Comment, Status
from moderation.services import comment_score
from tests.moderation.test_akismet import FakeAkismet, _Handler, serving, submitted


class _EditWhileAnswering(_Handler):
    """Before answering comment-check, the author edits the comment from another connection."""

    def do_POST(self) -> None:
        if self.path.endswith("comment-check"):
            try:
                self.server.edited = _edit(self.server.comment_id)  # type: ignore[attr-defined]
            finally:
                connections.close_all()
        super().do_POST()


def _edit(comment_id: int) -> bool:
    """Lock the row without waiting (fails if the scorer holds it) and bump its revision."""
    from django.db import transaction

    with transaction.atomic():
        row = Comment.objects.select_for_update(nowait=True).get(pk=comment_id)
        Comment.objects.filter(pk=row.pk).update(revision=row.revision + 1)
    return True


@pytest.fixture
def slow_akismet(settings) -> Iterator[FakeAkismet]:
    """A local Akismet whose comment-check lets the author edit before it answers."""
    server = FakeAkismet()
    server.RequestHandlerClass = _EditWhileAnswering
    server.edited = False  # type: ignore[attr-defined]
    with serving(server, settings):
        yield server


@pytest.mark.django_db(transaction=True)
def test_an_edit_during_the_akismet_call_is_not_blocked_and_the_stale_verdict_is_dropped(
    slow_akismet,
):
    """The author's edit goes through while Akismet answers; the old revision is not scored."""
    comment = submitted()
    slow_akismet.comment_id = comment.pk  # type: ignore[attr-defined]
    slow_akismet.verdict = "true"
    assert comment_score(comment_id=comment.pk, revision=comment.revision) is None
    assert slow_akismet.edited is True  # type: ignore[attr-defined]
    comment.refresh_from_db()
    assert comment.revision == 2
    assert comment.status == Status.PENDING
    assert comment.scored_revision != 1
    assert comment.spam_score is None
