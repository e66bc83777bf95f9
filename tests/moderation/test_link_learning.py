"""The site's link evidence: only its moderators' live decisions on comments with links."""

import csv
import io

import pytest
from django.core.management import call_command

from comments.models import Comment, Status
from moderation.models import ClassifierState, Lesson
from moderation.scoring import rules
from moderation.scoring.store import calibration_store, link_decisions_current
from moderation.services import classifier_train, comment_learn, comment_score
from moderation.tasks import learn_imported
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

# A site trained where every link is spam (as on the YouTube files): the same ordinary words
# in spam with a link and in ham without one, so the words alone never say spam.
WORDS = "i love this song so much"
BOOTSTRAP_SPAM = [f"{WORDS} http://site{i}.example/x" for i in range(10)]
BOOTSTRAP_HAM = [WORDS] * 10
NEEDED = 59  # link comments marked spam, none approved: rules.links_count_for_spam


def with_link(words: str, url: str, **fields: object) -> Comment:
    """Return a comment of `words` and a link, as the site stores it (source and HTML)."""
    return CommentFactory(
        body_source=f"{words} {url}",
        body_html=f'<p>{words} <a href="{url}">{url}</a></p>',
        **fields,
    )


def link_comment(i: int, **fields: object) -> Comment:
    """Return a link spam comment as the YouTube files have many: ordinary words, a link."""
    fields.setdefault("status", Status.SPAM)
    return with_link(
        WORDS,
        f"https://pills{i}.example/buy",
        ip_address=f"203.0.113.{i % 250}",
        ip_network="203.0.113.0/24",
        **fields,
    )


def probe() -> Comment:
    """Return a pending comment with the same ordinary words and a new link, from a stranger."""
    return with_link(
        WORDS,
        "https://notes.example.org/raid",
        status=Status.PENDING,
        ip_address="192.0.2.9",
        ip_network="192.0.2.0/24",
    )


def bootstrap_site() -> None:
    """Teach the YouTube-like corpus as train_spam does, with thresholds it could store."""
    classifier_train(
        texts=[(t, True) for t in BOOTSTRAP_SPAM] + [(t, False) for t in BOOTSTRAP_HAM]
    )
    calibration_store(hold=0.2, spam=0.5, examples=400)


def decide_spam(count: int, start: int = 0) -> None:
    """Moderators mark `count` link comments spam (the worker's learning, in-process)."""
    for i in range(start, start + count):
        comment_learn(comment_id=link_comment(i).pk)


def scored(comment: Comment) -> Comment:
    comment_score(comment_id=comment.pk, revision=comment.revision)
    comment.refresh_from_db()
    return comment


def state() -> tuple[int, int]:
    found = ClassifierState.objects.values_list("link_spam", "link_ham").first()
    return found or (0, 0)


def test_a_moderators_decisions_on_link_comments_are_counted_and_taken_back():
    """Spam counts as link spam, a changed mind moves it to approved, a rejection removes it."""
    comment = link_comment(1)
    comment_learn(comment_id=comment.pk)
    assert state() == (1, 0)
    assert Lesson.objects.get(comment=comment).links
    Comment.objects.filter(pk=comment.pk).update(status=Status.APPROVED)
    comment_learn(comment_id=comment.pk)
    assert state() == (0, 1)
    Comment.objects.filter(pk=comment.pk).update(status=Status.REJECTED)
    comment_learn(comment_id=comment.pk)
    assert state() == (0, 0)


def test_comments_without_links_to_other_pages_are_not_link_evidence(post):
    """No link, or a link back to the post itself: the decision teaches nothing about links."""
    plain = CommentFactory(status=Status.SPAM, body_source="buy now", body_html="<p>buy now</p>")
    own = f"http://testserver{post.get_absolute_url()}"
    back = CommentFactory(
        post=post,
        status=Status.SPAM,
        body_source=f"see {own}",
        body_html=f'<p>see <a href="{own}">{own}</a></p>',
    )
    for comment in (plain, back):
        comment_learn(comment_id=comment.pk)
    assert ClassifierState.objects.get().spam_docs == 2
    assert state() == (0, 0)


def test_imported_decisions_do_not_count_until_a_moderator_decides_again():
    """An import's decisions may come from elsewhere; a moderator's later decision counts."""
    comment = link_comment(1)
    learn_imported([comment.pk])
    assert ClassifierState.objects.get().spam_docs == 1
    assert state() == (0, 0)
    assert not Lesson.objects.get(comment=comment).links
    Comment.objects.filter(pk=comment.pk).update(status=Status.APPROVED)
    comment_learn(comment_id=comment.pk)  # the moderator's "not spam"
    assert state() == (0, 1)


def test_train_spam_teaches_the_classifier_but_no_link_evidence(tmp_path):
    """train_spam's corpus is full of link spam, and leaves the site's link evidence at zero."""
    path = tmp_path / "labelled.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["CONTENT", "CLASS"])
        writer.writerows([f"Cheap pills deal http://pills{i}.example/buy", "1"] for i in range(80))
        writer.writerows([f"a lovely song number {i}", "0"] for i in range(10))
    call_command("train_spam", str(path), "--no-calibrate", stdout=io.StringIO())
    assert ClassifierState.objects.get().spam_docs == 80
    assert state() == (0, 0)
    assert link_decisions_current() == (0, 0)


def test_the_scorer_reads_the_counts_and_marks_link_spam_once_they_suffice(settings):
    """59 link comments marked spam and none approved: the next link spam is marked spam."""
    settings.MODERATION = {}
    bootstrap_site()
    decide_spam(NEEDED - 1)
    held = scored(probe())
    assert held.status == Status.PENDING
    assert held.spam_score >= 0.5  # only the link rule keeps it from spam
    decide_spam(1, start=NEEDED - 1)
    assert link_decisions_current() == (NEEDED, 0)
    marked = scored(probe())
    assert marked.status == Status.SPAM
    assert "1 link (this site's moderators mark links spam)" in marked.spam_reasons


def test_approved_link_comments_keep_the_hold(settings):
    """A site whose moderators approve readers' links keeps holding link comments."""
    settings.MODERATION = {}
    bootstrap_site()
    decide_spam(NEEDED + 20)
    for i in range(5):
        comment_learn(comment_id=link_comment(100 + i, status=Status.APPROVED).pk)
    assert state() == (NEEDED + 20, 5)
    assert scored(probe()).status == Status.PENDING


def test_moderators_see_the_link_evidence_on_the_queue_page(admin_client, settings):
    """The queue page says how many link comments moderators decided and what it changes."""
    settings.MODERATION = {}
    page = admin_client.get("/admin/moderation/queuedcomment/").content.decode()
    assert (
        f"A comment with links is held, not marked spam, until moderators have marked {NEEDED}"
        " link comments spam with none approved (so far 0 marked spam, 0 approved)."
    ) in page
    ClassifierState.objects.update_or_create(pk=1, defaults={"link_spam": NEEDED})
    page = admin_client.get("/admin/moderation/queuedcomment/").content.decode()
    assert f"Links count toward spam here ({NEEDED} marked spam, 0 approved by moderators)." in page
    assert rules.links_count_for_spam(spam=NEEDED, approved=0)
