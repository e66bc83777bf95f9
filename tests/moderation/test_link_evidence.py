"""A link is evidence for holding a comment, not for marking it spam on its own."""

from dataclasses import replace

import pytest

from moderation import policy, rates
from moderation.scoring import Facts, rules, score_facts
from moderation.scoring.classifier import TokenCounts, learn
from moderation.scoring.text import prose_tokens, tokens

SIGNALS = [rules.text_classifier, rules.links, rules.length]
LIMITS = policy.Thresholds(hold=0.1, spam=0.5)
SPAM = [
    "free money win now http://cash.example/a",
    "free money for you http://cash.example/b",
    "win free money now at http://prize.example",
    "subscribe to my channel http://tube.example/me",
    "look at my page on http://page.example now",
]
HAM = ["lovely song", "great video, lovely voice", "this song is great", "best song ever"]


def youtube_like_model() -> TokenCounts:
    """Return a model trained where every link is spam and no honest reader links."""
    model = TokenCounts()
    for text in SPAM:
        learn(model, tokens(text), is_spam=True)
    for text in HAM:
        learn(model, tokens(text), is_spam=False)
    return model


def facts(text: str, model: TokenCounts | None) -> Facts:
    """Return the facts of one comment scored with `model`."""
    return Facts(text=text, raw=text, model=model)


def test_prose_tokens_leave_out_the_links():
    """The words around links are tokens; hosts, their labels and 'has a link' are not."""
    found = prose_tokens("see http://cash.example/a for the docs")
    assert found == ["see", "for", "the", "docs", "b:for the", "b:the docs"]
    assert "url:*" in tokens("see http://cash.example/a for the docs")


@pytest.mark.parametrize(
    ("text", "decision"),
    [
        # ordinary words around a link: the link alone cannot make it spam
        (
            "This is a great talk on the same song, the slides are at "
            "https://speakerdeck.example/x if you look for the title.",
            policy.Decision.HOLD,
        ),
        ("I wrote up my notes on this at https://notes.example.org/raid", policy.Decision.HOLD),
        # the words say spam by themselves
        ("free money win now free money at http://other.example", policy.Decision.SPAM),
        # a pitch
        ("check out my channel http://other.example/me", policy.Decision.SPAM),
        # nothing but a link
        ("http://cash.example/xyz", policy.Decision.SPAM),
    ],
)
def test_links_lift_a_comment_to_spam_only_with_spammy_words(text, decision):
    """A comment with a link scored past the spam threshold is spam only if its words are."""
    score = score_facts(SIGNALS, facts(text, youtube_like_model()))
    assert score.value >= LIMITS.spam  # the score alone would mark every one of them spam
    assert policy.decide(score=score.value, mode="post", thresholds=LIMITS, cap=score.cap) == (
        decision
    )


@pytest.mark.parametrize(
    ("text", "capped"),
    [
        ("Related reading: https://wiki.postgresql.org/wiki/Don%27t_Do_This, worth it.", True),
        ("subscribe to my channel http://tube.example/me", False),
        ("https://a.example https://b.example", False),
    ],
)
def test_without_a_model_only_a_pitch_or_bare_links_may_be_spam(text, capped):
    """Before any training the words cannot vouch for spam, so links are held unless a
    pitch or nothing but links."""
    found = rules.links(facts(text, None))
    assert found is not None
    assert (found.cap == "hold") is capped


ORDINARY = "I wrote up my notes on this at https://notes.example.org/raid"


def decided(text: str, *, spam: int, approved: int) -> Facts:
    """Return a comment's facts on a site whose moderators decided these link comments."""
    return Facts(
        text=text,
        raw=text,
        model=youtube_like_model(),
        link_spam_by_moderators=spam,
        link_ham_by_moderators=approved,
    )


def decision(found: Facts) -> policy.Decision:
    score = score_facts(SIGNALS, found)
    assert score.value >= LIMITS.spam  # only the link rule can keep it from spam
    return policy.decide(score=score.value, mode="post", thresholds=LIMITS, cap=score.cap)


def test_link_spam_with_ordinary_words_is_spam_once_moderators_marked_enough_links_spam():
    """59 link comments marked spam and none approved: links here are spam (1 in 20 at 95%)."""
    assert decision(decided(ORDINARY, spam=58, approved=0)) == policy.Decision.HOLD
    assert decision(decided(ORDINARY, spam=59, approved=0)) == policy.Decision.SPAM
    found = rules.links(decided(ORDINARY, spam=59, approved=0))
    assert found is not None
    assert found.reason == "1 link (this site's moderators mark links spam)"


@pytest.mark.parametrize(
    ("spam", "approved", "lifted"),
    [
        (0, 0, False),
        (91, 1, False),
        (92, 1, True),  # 1 approved of 93 decided
        (326, 10, True),  # 3.0% approved of 336: the bound just below 5%
        (325, 10, False),
        (40, 20, False),  # a site whose readers link: the hold stays
        (1000, 100, False),
    ],
)
def test_a_site_whose_moderators_approve_readers_links_keeps_the_hold(spam, approved, lifted):
    """Approvals of link comments keep links holding until the spam outweighs them."""
    assert rules.links_count_for_spam(spam=spam, approved=approved) is lifted
    expected = policy.Decision.SPAM if lifted else policy.Decision.HOLD
    assert decision(decided(ORDINARY, spam=spam, approved=approved)) == expected


def test_a_decision_counts_as_link_evidence_only_for_links_to_other_pages():
    """Links to the page itself, and comments without links, teach nothing about links."""
    own = ("blog.example/post",)
    back = Facts(text="see https://blog.example/post#c2", raw="see https://blog.example/post#c2")
    assert rules.link_decision(replace(back, own_urls=own), is_spam=True) == (0, 0)
    assert rules.link_decision(facts("no links at all", None), is_spam=True) == (0, 0)
    assert rules.link_decision(facts(ORDINARY, None), is_spam=True) == (1, 0)
    assert rules.link_decision(facts(ORDINARY, None), is_spam=False) == (0, 1)
    assert rules.link_decision(facts(ORDINARY, None), is_spam=False, step=-1) == (0, -1)


@pytest.mark.parametrize(
    ("hits", "total", "below"), [(0, 58, False), (0, 59, True), (2, 124, True)]
)
def test_the_share_bound_is_the_one_sided_clopper_pearson_bound(hits, total, below):
    """At most 5% at 95% one-sided (the upper end of the two-sided 90% interval): none in 59
    (the rule of three), 2 in 124."""
    assert rates.share_at_most(hits, total, 0.05) is below
    assert (rates.rate(hits, total, confidence=0.90).high <= 0.05) is below
