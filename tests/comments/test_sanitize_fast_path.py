"""The plain-paragraph shortcut gives exactly what the full cleaner gives, on every input."""

import html
import json
import re
from pathlib import Path

import pytest

from comments import sanitize
from tests.security import xss_corpus

FIXTURES = Path(__file__).parent / "porting" / "fixtures"
BACKENDS = ["bleach", "nh3"]
PLAIN = [
    "Thanks for the post",
    "Line one\nline two\n\nA second paragraph",
    "Quotes \"double\" and 'single', ümlauts, 日本語, emoji 🎉",
    "Tabs\tand  spaces   kept",
    "A link http://example.com/x and example.org in text",
    "Ampersand & co, 1 < 2 > 0",
    "Control \x01 char, form\x0cfeed, carriage\rreturn, nul \x00",
    "C1 \x85 next line, noncharacter \ufdd0 \uffff",
    "mail me at someone@example.com",
    "an ellipsis... and a dot.com at the end.",
    "trailing newline\n",
    "Astral \U0001fffe \U0010ffff, line separator \u2028, no-break \u00a0, BOM \ufeff",
]


def _fixture_texts() -> list[str]:
    texts = []
    for name in ("wordpress.xml", "disqus.xml"):
        xml = (FIXTURES / name).read_text()
        texts += re.findall(r"<!\[CDATA\[(.*?)\]\]>", xml, flags=re.DOTALL)
        texts += [html.unescape(text) for text in re.findall(r">([^<]*\S[^<]*)<", xml)]
    for line in (FIXTURES / "remark42.jsonl").read_text().splitlines():
        texts.extend(v for v in json.loads(line).values() if isinstance(v, str))
    return texts


SOURCES = [
    *PLAIN,
    *_fixture_texts(),
    *(
        payload
        for name in dir(xss_corpus)
        if name.isupper()
        for payload in getattr(xss_corpus, name)
    ),
]
INPUTS = sorted(
    {
        html
        for source in SOURCES
        for html in (source, sanitize.html_paragraphs(source), sanitize.markdown_to_html(source))
    }
)


def _full(html: str, backend: str, for_post: bool) -> str:
    if backend == "nh3":
        return sanitize._nh3_clean(html, for_post=for_post)
    comment_cleaner, post_cleaner = sanitize._cleaners()
    return (post_cleaner if for_post else comment_cleaner).clean(html)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("for_post", [False, True])
def test_the_shortcut_output_equals_the_full_cleaners_output(backend, for_post):
    """Every corpus, fixture and plain input cleans the same with and without the shortcut."""
    for markup in INPUTS:
        expected = _full(markup, backend, for_post)
        assert sanitize.clean_html(markup, backend=backend, for_post=for_post) == expected, markup


def test_the_corpus_exercises_both_paths():
    """Plain paragraphs take the shortcut; markup, entities, links and controls do not."""
    shortcut = [html for html in INPUTS if sanitize.is_plain_paragraphs(html)]
    assert len(shortcut) >= 20
    assert len(INPUTS) - len(shortcut) >= 200
    assert not sanitize.is_plain_paragraphs("<p>see http://example.com/</p>")
    assert not sanitize.is_plain_paragraphs("<p>a &amp; b</p>")
    assert not sanitize.is_plain_paragraphs("<p>a\x00b</p>")
    assert not sanitize.is_plain_paragraphs("<p>a\ud800b</p>")
    assert sanitize.is_plain_paragraphs("<p>one<br>\ntwo</p>\n<p>three</p>")
