"""Scoring comments from the database: the shared model, blocklists, reputation, edits."""

import pytest
from django.contrib.auth.models import User

from comments.models import Status
from comments.services import comment_edit
from moderation.models import BlockRule, ClassifierState
from moderation.scoring.store import model_current
from moderation.services import classifier_train, comment_learn, comment_score
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

SPAM = [
    "subscribe to my channel for free gift cards",
    "check out my channel and subscribe",
    "free gift cards subscribe now",
    "please subscribe to my channel",
]
HAM = [
    "what a lovely song",
    "this song makes me happy",
    "great post, thanks for the fix",
    "the chorus of this song is lovely",
]


def pending(**fields: object):
    """Return a pending, unscored comment saved in the database."""
    fields.setdefault("ip_address", "198.51.100.7")
    fields.setdefault("ip_network", "198.51.100.0/24")
    body = fields.pop("body", "A thoughtful comment about the post.")
    return CommentFactory(
        status=Status.PENDING, body_source=body, body_html=f"<p>{body}</p>", **fields
    )


def scored(comment):
    """Score the comment's current revision and return it fresh from the database."""
    comment_score(comment_id=comment.pk, revision=comment.revision)
    comment.refresh_from_db()
    return comment


def train() -> None:
    """Teach the classifier the small corpus above."""
    classifier_train(texts=[(t, True) for t in SPAM] + [(t, False) for t in HAM])


def test_the_trained_classifier_explains_itself_with_tokens():
    """A promotional comment gets a classifier reason naming the words that weighed most."""
    train()
    spam = scored(pending(body="subscribe to my channel for gift cards"))
    kind = scored(pending(body="what a lovely song"))
    reason = next(r for r in spam.spam_reasons if r.startswith("classifier"))
    assert "tokens" in reason
    assert "'subscribe'" in reason or "'channel'" in reason
    assert spam.spam_score > kind.spam_score


def test_the_model_is_cached_until_its_version_changes():
    """Workers reuse the loaded model, and reload it once training bumps the version."""
    train()
    first = model_current()
    assert model_current() is first
    classifier_train(texts=[("buy cheap followers", True)])
    second = model_current()
    assert second is not first
    assert second.spam_docs == first.spam_docs + 1
    assert ClassifierState.objects.get().version == 2


@pytest.mark.parametrize(
    ("kind", "pattern", "action", "fields", "status"),
    [
        ("word", "casino*", "hold", {"body": "Try the casinos online"}, Status.PENDING),
        ("email", "*@spam.example", "spam", {"author_email": "bot@spam.example"}, Status.SPAM),
        ("ip", "198.51.100.0/24", "spam", {}, Status.SPAM),
        (
            "domain",
            "pills.example",
            "spam",
            {"author_url": "https://shop.pills.example/"},
            Status.SPAM,
        ),
    ],
)
def test_operator_blocklist_entries_hold_or_mark_spam(kind, pattern, action, fields, status):
    """Each kind of blocklist entry catches its comment and applies its action."""
    BlockRule.objects.create(kind=kind, pattern=pattern, action=action)
    comment = scored(pending(**fields))
    assert comment.status == status
    assert f"blocklisted {kind}: {pattern}" in comment.spam_reasons


def test_spam_from_a_network_this_week_is_a_reason():
    """Earlier spam from the same /24 shows as 'IP /24 had N spam this week'."""
    for i in range(2):
        earlier = CommentFactory(
            status=Status.SPAM, ip_address=f"198.51.100.{10 + i}", ip_network="198.51.100.0/24"
        )
        comment_learn(comment_id=earlier.pk)
    comment = scored(pending(ip_address="198.51.100.99"))
    assert "IP /24 had 2 spam this week" in comment.spam_reasons


def test_a_link_domain_marked_spam_before_is_recognised():
    """Once moderators marked a link's domain spam, the next link to it says so."""
    body = 'Buy at <a href="https://pills.example/buy">pills</a>'
    earlier = CommentFactory(status=Status.SPAM, body_source=body, body_html=body)
    comment_learn(comment_id=earlier.pk)
    comment = scored(pending(body="great deals https://pills.example/today"))
    assert "links to a domain seen in spam: pills.example" in comment.spam_reasons


def test_staff_are_trusted_even_on_pre_moderated_posts():
    """A staff member's clean comment is published where others wait for a moderator."""
    staff = User.objects.create(username="editor", is_staff=True)
    post = PostFactory(moderation_mode="pre")
    comment = scored(pending(post=post, user=staff))
    assert comment.status == Status.APPROVED
    assert "staff member" in comment.spam_reasons


def test_an_authors_edit_goes_back_through_scoring():
    """A comment approved clean, then edited to add links, is scored again and held."""
    comment = scored(pending())
    assert comment.status == Status.APPROVED
    edited = comment_edit(
        comment=comment,
        token="token",
        body="Great! https://a.example https://b.example https://bit.ly/x",
    )
    assert edited.status == Status.PENDING
    rescored = scored(edited)
    assert rescored.status != Status.APPROVED
    assert "3 links (mostly links)" in rescored.spam_reasons
    assert "URL shortener: bit.ly" in rescored.spam_reasons


def site_signal(facts):
    """A site's own signal: comments mentioning 'crypto' are suspicious here."""
    from moderation.scoring import Finding

    return Finding(5.0, "site rule: crypto") if "crypto" in facts.normalized else None


def test_a_site_can_add_its_own_signal_from_settings(settings):
    """MODERATION['SIGNALS'] lists dotted paths: a site's function runs with the others."""
    from moderation.conf import MODERATION_DEFAULTS

    path = "tests.moderation.test_scoring_db.site_signal"
    settings.MODERATION = {"SIGNALS": [*MODERATION_DEFAULTS["SIGNALS"], path]}
    comment = scored(pending(body="Buy crypto today"))
    assert "site rule: crypto" in comment.spam_reasons
    assert comment.status != Status.APPROVED


def test_an_author_approved_before_is_trusted_on_pre_moderated_posts():
    """After a moderator approved them once, an author's clean comment skips the queue."""
    earlier = CommentFactory(status=Status.APPROVED, author_email="regular@example.org")
    comment_learn(comment_id=earlier.pk)
    post = PostFactory(moderation_mode="pre")
    comment = scored(pending(post=post, author_email="regular@example.org"))
    assert comment.status == Status.APPROVED
    assert "author has 1 approved comment(s)" in comment.spam_reasons


@pytest.mark.parametrize(
    ("post_url", "link"),
    [
        ("https://blog.example/2026/tuning/", "https://blog.example/2026/tuning/#comment-3"),
        ("", "http://localhost/posts/tuning/"),
    ],
)
def test_a_link_back_to_the_post_itself_is_not_counted_as_a_link(post_url, link):
    """A reader quoting the post (its canonical address or our own page) is not link spam."""
    post = PostFactory(slug="tuning", url=post_url)
    elsewhere = scored(pending(post=post, body="See https://shop.example/tuning for details."))
    own = scored(pending(post=post, body=f"See {link} for details."))
    assert any("link" in reason for reason in elsewhere.spam_reasons)
    assert not any("link" in reason for reason in own.spam_reasons)
    assert own.spam_score < elsewhere.spam_score
