"""A link is evidence for holding a comment, not for marking it spam on its own."""

import pytest

from moderation import policy
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
