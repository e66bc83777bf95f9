"""Normalize comment text and cut it into classifier tokens; pure Python, no Django.

Spammers hide words behind zero-width characters, full-width letters, HTML entities
and markup; normalizing first makes full-width, entity-encoded and plain "subscribe" the same word.
Tokens are plain strings so the classifier can store them as database keys:

- words: ``subscribe``
- optionally, character n-grams inside words, prefixed ``c:`` (``c:subs``), meant for
  misspellings and glued words ("subscribeplz"); measured, they hurt, so they are off
- word bigrams, prefixed ``b:`` (``b:check out``), for phrases like "check out my"
- link hosts, prefixed ``url:`` (``url:example.com``), plus ``url:*`` for "has a link"
"""

import html
import re
import unicodedata
from itertools import pairwise

# Zero-width and invisible formatting characters used to split words past filters.
# U+FEFF is also an export artefact of the YouTube corpus (see the data README).
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"))

_HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))[^>]*>""", re.I)
_TAG = re.compile(r"<!--.*?-->|</?[a-z][^>]*>", re.I | re.S)
_SPACE = re.compile(r"\s+")

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
# A URL with a scheme or "www.", or a bare host ending in a common TLD ("murdev.com").
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+"
    r"|\b(?:[a-z0-9-]+\.)+(?:com|net|org|info|biz|io|co|me|ly|gl|tk|ru|de|uk|us|tv|be|"
    r"in|xyz|site|online|club|top|link|shop|store|app|blog)\b(?:/[^\s<>\"']*)?",
)
_HOST = re.compile(r"^(?:https?://)?([^/?#:\s]+)")

NGRAM_SIZES = (3, 4, 5)
NGRAM_MAX_WORD = 20  # longer "words" are ids or hashes: n-grams of them are noise
MAX_TOKEN_LENGTH = 200  # the database column's width; longer tokens are noise anyway


def normalize(text: str, *, lowercase: bool = True) -> str:
    """Return ``text`` as one (lowercase) line of visible words, links kept as their URLs."""
    text = text.translate(_INVISIBLE)
    text = _HREF.sub(lambda m: f" {next(g for g in m.groups() if g is not None)} ", text)
    text = _TAG.sub(" ", text)
    text = html.unescape(text)
    # Entities can decode to invisible or compatibility characters, so clean after them.
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = _SPACE.sub(" ", text).strip()
    return text.lower() if lowercase else text


def url_hosts(normalized: str) -> list[str]:
    """Return the host of every link in normalized text, without a leading ``www.``."""
    hosts = []
    for match in _URL.finditer(normalized):
        host = _HOST.match(match.group(0))
        if host:
            hosts.append(host.group(1).rstrip(".").removeprefix("www."))
    return hosts


def without_own_links(normalized: str, own: tuple[str, ...]) -> str:
    """Return normalized text with links to the page itself removed (``own`` prefixes).

    A link back to the post (a timestamp, a quote) is a reader's reference, not promotion.
    Prefixes are lower-case host + path, without scheme or ``www.``.
    """
    if not own:
        return normalized

    def keep(match: re.Match[str]) -> str:
        bare = re.sub(r"^(?:https?://)?(?:www\.)?", "", match.group(0))
        return " " if bare.startswith(own) else match.group(0)

    return _URL.sub(keep, normalized)


def tokens(text: str, *, char_ngrams: bool = False, own: tuple[str, ...] = ()) -> list[str]:
    """Return the classifier tokens of raw comment ``text`` (normalized here first).

    Character n-grams are off by default: leave-one-video-out they lowered ROC AUC
    (0.980 to 0.966 with Fisher combining), because hundreds of correlated n-grams per
    comment drown the few words that matter. ``bench/spam_quality.py`` re-measures them.
    Links starting with one of the ``own`` prefixes (the page itself) are left out.
    """
    normalized = without_own_links(normalize(text), own)
    hosts = url_hosts(normalized)
    # Link paths are mostly random ids: drop them so words come from prose and hosts.
    prose = _URL.sub(lambda m: " " + " ".join(_host_words(m.group(0))) + " ", normalized)
    words = _WORD.findall(prose)
    result = list(words)
    result.extend(f"b:{a} {b}" for a, b in pairwise(words))
    if char_ngrams:
        result.extend(_char_ngrams(words))
    result.extend(f"url:{host}" for host in hosts)
    if hosts:
        result.append("url:*")
    return [token for token in result if len(token) <= MAX_TOKEN_LENGTH]


def prose_tokens(text: str, *, own: tuple[str, ...] = ()) -> list[str]:
    """Return the words and word bigrams of ``text`` outside its links (no link tokens).

    What the author wrote around the links, as the classifier reads it: each stretch
    between two links is cut into words on its own, so no bigram spans a link.
    """
    normalized = without_own_links(normalize(text), own)
    result: list[str] = []
    for stretch in _URL.split(normalized):
        words = _WORD.findall(stretch)
        result.extend(words)
        result.extend(f"b:{a} {b}" for a, b in pairwise(words))
    return [token for token in result if len(token) <= MAX_TOKEN_LENGTH]


def _host_words(url: str) -> list[str]:
    """Return the dot-separated labels of a URL's host, e.g. ``['bit', 'ly']``."""
    host = _HOST.match(url)
    return host.group(1).removeprefix("www.").split(".") if host else []


def _char_ngrams(words: list[str]) -> list[str]:
    """Return ``c:``-prefixed character n-grams of each word, padded to mark its edges."""
    grams: list[str] = []
    for word in words:
        if len(word) > NGRAM_MAX_WORD:
            continue
        padded = f"<{word}>"
        for size in NGRAM_SIZES:
            grams.extend(f"c:{padded[i : i + size]}" for i in range(len(padded) - size + 1))
    return grams
