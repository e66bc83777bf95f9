"""Specification of comment text normalization and tokenization."""

import pytest

from moderation.scoring.text import normalize, tokens, url_hosts


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("sub\u200bscribe", "subscribe"),
        ("sub\u200c\u200dscribe\u2060 now\ufeff", "subscribe now"),
        ("\ufeffHello", "hello"),
        ("\uff33\uff55\uff42\uff53\uff43\uff52\uff49\uff42\uff45", "subscribe"),
        ("\ufb01ne", "fine"),
        ("Tom &amp; Jerry&#39;s &quot;show&quot;", 'tom & jerry\'s "show"'),
        ("sub&#8203;scribe", "subscribe"),
        ("line<br />break<br/>here", "line break here"),
        ("<b>bold</b> and <i>it</i>", "bold and it"),
        ('see <a href="http://x.com/y">my site</a>', "see http://x.com/y my site"),
        ("<A HREF='https://Example.org/p'>here</A>", "https://example.org/p here"),
        ("  lots \n\t of   space  ", "lots of space"),
        ("MiXeD CaSe", "mixed case"),
        ("&lt;script&gt;", "<script>"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    """Normalizing strips invisibles, folds compatibility forms, decodes, unwraps, lowercases."""
    assert normalize(raw) == expected


def test_normalize_can_keep_case() -> None:
    """Normalizing with lowercase=False keeps letter case for signals like shouting."""
    assert normalize("BUY <b>NOW</b>", lowercase=False) == "BUY NOW"


@pytest.mark.parametrize(
    ("normalized", "hosts"),
    [
        ("visit http://www.example.com/a?b=1 now", ["example.com"]),
        ("see murdev.com today", ["murdev.com"]),
        ("https://bit.ly/x and www.foo.net", ["bit.ly", "foo.net"]),
        ("no links here, e.g. this.", []),
    ],
)
def test_url_hosts(normalized: str, hosts: list[str]) -> None:
    """Link hosts are found with or without a scheme, without a leading www."""
    assert url_hosts(normalized) == hosts


@pytest.mark.parametrize(
    ("raw", "present", "absent"),
    [
        ("Check out my channel", ["check", "out", "my", "channel", "b:check out"], ["url:*"]),
        ("don't stop", ["don't", "b:don't stop"], ["don"]),
        ("go to http://www.spam.com/abc123xyz", ["url:spam.com", "url:*", "spam"], ["abc123xyz"]),
        ("snake_case words", ["snake", "case"], ["snake_case"]),
        ("sub\ufeffscribe", ["subscribe"], ["sub"]),
    ],
)
def test_tokens(raw: str, present: list[str], absent: list[str]) -> None:
    """Tokens are words, b: bigrams and url: hosts; link paths and separators are dropped."""
    result = tokens(raw)
    assert all(token in result for token in present), result
    assert not any(token in result for token in absent), result


def test_tokens_without_char_ngrams_by_default() -> None:
    """Character n-grams appear only when asked for, prefixed so they can't collide."""
    assert not [t for t in tokens("subscribe") if t.startswith("c:")]
    grams = [t for t in tokens("spam", char_ngrams=True) if t.startswith("c:")]
    assert {"c:<sp", "c:spa", "c:am>", "c:<spam", "c:spam>"} <= set(grams)


def test_tokens_of_empty_text() -> None:
    """Empty or invisible-only text has no tokens."""
    assert tokens("") == []
    assert tokens("\ufeff\u200b <br/>") == []
