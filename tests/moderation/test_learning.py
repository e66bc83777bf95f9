"""Learning from moderators: exactly once per decision, unlearned when they change their mind."""

import pytest
from django.db.models import Sum

from comments.models import Comment, Status
from moderation.models import ClassifierState, ClassifierToken, Lesson, Reputation
from moderation.scoring.store import model_current
from moderation.services import comment_learn, comment_moderate
from tests.factories import CommentFactory

BODY = "Subscribe to my channel https://promo.example/now"


def spam_comment(**fields: object) -> Comment:
    """Return a comment with a promotional body, from a known address."""
    return CommentFactory(
        body_source=BODY,
        body_html=f"<p>{BODY}</p>",
        author_email="bot@x.example",
        ip_address="198.51.100.7",
        ip_network="198.51.100.0/24",
        **fields,
    )


def snapshot() -> tuple:
    """Return everything learning can change: documents, token counts, reputation."""
    state = ClassifierState.objects.filter(pk=1).values_list("spam_docs", "ham_docs").first()
    tokens = dict(ClassifierToken.objects.values_list("token", "spam"))
    reputation = sorted(Reputation.objects.filter(spam__gt=0).values_list("kind", "key", "spam"))
    return state, tokens, reputation


def set_status(comment: Comment, status: str) -> None:
    """Change the status directly, as a decision just applied would leave it."""
    Comment.objects.filter(pk=comment.pk).update(status=status)


@pytest.mark.django_db
def test_a_spam_decision_teaches_the_classifier_and_every_reputation_key():
    """Marking spam adds the comment's tokens, its e-mail, IP, network and link domain."""
    comment = spam_comment(status=Status.SPAM)
    assert comment_learn(comment_id=comment.pk) == "spam"
    model = model_current()
    assert model.spam_docs == 1
    assert model.counts["subscribe"] == (1, 0)
    assert set(Reputation.objects.filter(spam=1).values_list("kind", "key")) == {
        ("email", "bot@x.example"),
        ("ip", "198.51.100.7"),
        ("network", "198.51.100.0/24"),
        ("domain", "promo.example"),
    }
    lesson = Lesson.objects.get(comment=comment)
    assert "subscribe" in lesson.tokens
    assert lesson.label == "spam"


@pytest.mark.django_db
def test_learning_twice_changes_nothing_the_second_time():
    """A redelivered learning task leaves the counts exactly as the first run did."""
    comment = spam_comment(status=Status.SPAM)
    comment_learn(comment_id=comment.pk)
    once = snapshot()
    comment_learn(comment_id=comment.pk)
    assert snapshot() == once
    assert ClassifierState.objects.get().spam_docs == 1


@pytest.mark.django_db
def test_a_changed_mind_unlearns_spam_before_learning_ham():
    """Spam then ham leaves no trace of the spam lesson: only one ham comment is learned."""
    comment = spam_comment(status=Status.SPAM)
    comment_learn(comment_id=comment.pk)
    set_status(comment, Status.APPROVED)
    assert comment_learn(comment_id=comment.pk) == "ham"
    state = ClassifierState.objects.get()
    assert (state.spam_docs, state.ham_docs) == (0, 1)
    assert ClassifierToken.objects.aggregate(Sum("spam"))["spam__sum"] == 0
    assert not Reputation.objects.filter(spam__gt=0).exists()
    assert Reputation.objects.get(kind="email", key="bot@x.example").ham == 1


@pytest.mark.django_db
def test_rejecting_after_approving_unlearns_the_ham():
    """A rejected comment teaches nothing, so an earlier approval is taken back."""
    comment = spam_comment(status=Status.APPROVED)
    comment_learn(comment_id=comment.pk)
    set_status(comment, Status.REJECTED)
    assert comment_learn(comment_id=comment.pk) is None
    assert not Lesson.objects.exists()
    assert not ClassifierToken.objects.exists()
    assert ClassifierState.objects.get().ham_docs == 0


@pytest.mark.django_db
def test_unlearning_uses_the_tokens_learned_even_after_an_edit():
    """Tokens are stored with the lesson, so an edited body still unlearns exactly."""
    comment = spam_comment(status=Status.SPAM)
    comment_learn(comment_id=comment.pk)
    Comment.objects.filter(pk=comment.pk).update(
        body_source="totally different words", status=Status.APPROVED
    )
    comment_learn(comment_id=comment.pk)
    assert not ClassifierToken.objects.filter(spam__gt=0).exists()


@pytest.mark.django_db
def test_every_moderator_decision_queues_learning_after_commit(
    moderator, django_capture_on_commit_callbacks
):
    """approve, reject, spam and ham each queue the learning task once the decision commits."""
    comment = spam_comment(status=Status.PENDING)
    for action in ["spam", "ham", "reject", "approve"]:
        with django_capture_on_commit_callbacks() as callbacks:
            comment_moderate(comment=comment, action=action, actor=moderator)
        learning = [c for c in callbacks if "_enqueue_learning" in getattr(c, "__qualname__", "")]
        assert len(learning) == 1, action
