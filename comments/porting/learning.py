"""--learn: the imported spam and approved comments teach the scorer, in the worker.

The spam folder of a WordPress blog is a labelled corpus of that site's own spam. Each
saved batch is queued once committed; the worker learns as moderator decisions teach
(exactly once per comment), without telling Akismet about comments it never saw.
"""

from django.db import transaction

from comments.comment_rows import ImportedComment
from comments.models import Kind, Status

LEARNED = frozenset({Status.SPAM, Status.APPROVED})


def queue_learning(saved: list[ImportedComment]) -> list[int]:
    """Queue the spam/ham comments of a saved batch for learning; return their ids."""
    from moderation.tasks import learn_imported

    # Pingbacks and trackbacks are written by software, not readers: they teach nothing.
    ids = [
        c.id for c in saved if c.id is not None and c.status in LEARNED and c.type == Kind.COMMENT
    ]
    if ids:
        transaction.on_commit(lambda: learn_imported.delay(ids), robust=True)
    return ids
