"""Turn Markdown into safe HTML: a reader's comment, or an author's post.

The only module that imports bleach, nh3 or Markdown. Pure: no Django imports. bleach is
the default backend; nh3 (Rust's ammonia, maintained) is the second one, chosen with
`backend="nh3"` (the `COMMENTS["SANITIZER"]` setting). A bleach `Cleaner` and a Markdown
converter are not thread-safe and cost more to build than to use: one per thread (through
`threading.local`) serves gunicorn sync workers, Celery's prefork pool and threaded servers.

Two profiles. Comments are user content: a narrow allowlist, a newline is a line break
(readers type that way), and every link is marked `rel="nofollow ugc noopener"`. Posts
are the author's Markdown: standard paragraphs (hard-wrapped source stays one paragraph),
headings, images, tables and fenced code, and the author's links carry no rel. Posts are
still sanitized (an author's account can be taken over), with the wider allowlist.
"""

import html
import re
import threading
import unicodedata
from collections.abc import MutableMapping
from functools import partial
from typing import Any

import bleach
import markdown
import nh3
from bleach.linkifier import LinkifyFilter

COMMENT_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "i",
        "li",
        "ol",
        "p",
        "pre",
        "strong",
        "ul",
    }
)
POST_TAGS = COMMENT_TAGS | {
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "figure",
    "figcaption",
}
COMMENT_ATTRIBUTES = {"a": ["href", "title", "rel"], "abbr": ["title"]}
POST_ATTRIBUTES = {
    "a": ["href", "title"],
    "abbr": ["title"],
    "img": ["src", "alt", "title", "width", "height"],
}
PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"
Attrs = MutableMapping[tuple[str | None, str], str]
MARKDOWN_EXTENSIONS = ["fenced_code", "sane_lists", "nl2br"]
POST_MARKDOWN_EXTENSIONS = ["fenced_code", "sane_lists", "tables"]

# Characters that render as nothing or reorder text: used to fake names and hide words.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")


def _set_rel(attrs: Attrs, new: bool = False) -> Attrs | None:
    """Linkify callback for comments: every link gets our rel and no target.

    A link whose address the sanitizer dropped (`[x](javascript:...)`) becomes its text:
    an `<a>` without href would still look like a link that goes nowhere.
    """
    if (None, "href") not in attrs:
        return None
    attrs[(None, "rel")] = LINK_REL
    attrs.pop((None, "target"), None)
    return attrs


def _author_link(attrs: Attrs, new: bool = False) -> Attrs | None:
    """Linkify callback for posts: the author's links keep no rel and no target."""
    if (None, "href") not in attrs:
        return None
    attrs.pop((None, "rel"), None)
    attrs.pop((None, "target"), None)
    return attrs


def _link_callback(*, for_post: bool) -> Any:
    """Return the linkify callback; Any, since bleach's stubs miss that None drops a link."""
    return _author_link if for_post else _set_rel


def _bleach_cleaner(*, for_post: bool) -> bleach.Cleaner:
    callback = _link_callback(for_post=for_post)
    return bleach.Cleaner(
        tags=POST_TAGS if for_post else COMMENT_TAGS,
        attributes=POST_ATTRIBUTES if for_post else COMMENT_ATTRIBUTES,
        protocols=PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[partial(LinkifyFilter, callbacks=[callback], skip_tags={"pre", "code"})],
    )


_local = threading.local()


def _cleaners() -> tuple[bleach.Cleaner, bleach.Cleaner]:
    """Return this thread's (comment, post) cleaners, built once per thread."""
    if not hasattr(_local, "cleaners"):
        _local.cleaners = (_bleach_cleaner(for_post=False), _bleach_cleaner(for_post=True))
    return _local.cleaners  # type: ignore[no-any-return]


def _markdown(for_post: bool) -> markdown.Markdown:
    """Return this thread's converter for the profile: building one costs more than using it."""
    name = "markdown_post" if for_post else "markdown"
    converter: markdown.Markdown | None = getattr(_local, name, None)
    if converter is None:
        extensions = POST_MARKDOWN_EXTENSIONS if for_post else MARKDOWN_EXTENSIONS
        converter = markdown.Markdown(extensions=extensions, output_format="html")
        setattr(_local, name, converter)
    return converter


def markdown_to_html(source: str, *, for_post: bool = False) -> str:
    """Render Markdown (raw HTML inside it passes through, to be cleaned next)."""
    converter = _markdown(for_post)
    try:
        return converter.reset().convert(source)
    except RecursionError:
        # Left halfway through a document: build a fresh one next time.
        setattr(_local, "markdown_post" if for_post else "markdown", None)
        # Python-Markdown recurses once per nesting level ("1. 1. 1. ..." nests a list per
        # marker): a short hostile body must not be a 500. Show it as plain text instead.
        return "<p>" + html.escape(source).replace("\n", "<br>\n") + "</p>"


def clean_html(html: str, *, backend: str = "bleach", for_post: bool = False) -> str:
    """Return `html` reduced to the allowlist, links made safe (comments: nofollow/ugc)."""
    if backend not in ("bleach", "nh3"):
        raise ValueError(f"unknown sanitizer backend {backend!r}; use 'bleach' or 'nh3'")
    if is_plain_paragraphs(html):
        return html
    if backend == "nh3":
        return _nh3_clean(html, for_post=for_post)
    comment_cleaner, post_cleaner = _cleaners()
    return (post_cleaner if for_post else comment_cleaner).clean(html)


# Text the cleaner and linkifier leave as it is: no markup, no entity, no character that
# html5lib or bleach rewrites (controls, CR, noncharacters; nh3 writes U+00A0 as &nbsp;) or
# nh3 refuses (surrogates).
_TEXT = "[^<>&\x00-\x08\x0b-\x1f\x7f-\xa0\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
_PLAIN_PARAGRAPHS = re.compile(f"(?:<p>(?:{_TEXT}|<br>)*</p>\n?)+")
# Every address the linkifier finds has a dot followed by a word character (the domain's
# "name.tld"): text without one needs no search with its pattern, the costly part here.
_DOT_WORD = re.compile(r"\.\w")


def is_plain_paragraphs(html: str) -> bool:
    """Whether `html` is only `<p>`/`<br>` around plain text with nothing to linkify.

    Such input comes out of the cleaner unchanged (most imported and typed comments are
    like this), so the html5lib parse, the only costly step, can be skipped.
    """
    return _PLAIN_PARAGRAPHS.fullmatch(html) is not None and (
        _DOT_WORD.search(html) is None or bleach.linkifier.URL_RE.search(html) is None
    )


def _nh3_clean(html: str, *, for_post: bool) -> str:
    tags = POST_TAGS if for_post else COMMENT_TAGS
    attributes = POST_ATTRIBUTES if for_post else COMMENT_ATTRIBUTES
    cleaned = nh3.clean(
        html,
        tags=set(tags),
        attributes={tag: set(names) - {"rel"} for tag, names in attributes.items()},
        url_schemes=set(PROTOCOLS),
        link_rel=None if for_post else LINK_REL,
        strip_comments=True,
    )
    # No skip_tags here: bleach's Linker double-escapes entities inside skipped tags.
    return bleach.linkifier.Linker(callbacks=[_link_callback(for_post=for_post)]).linkify(cleaned)


def render_comment(source: str, *, backend: str = "bleach") -> str:
    """Return the stored HTML for a comment body written in Markdown."""
    return clean_html(markdown_to_html(strip_invisible(source)), backend=backend).strip()


_BLOCK_START = re.compile(r"^\s*<(p|ul|ol|blockquote|pre|table|div|h[1-6])\b", re.IGNORECASE)


def render_html_comment(source: str, *, backend: str = "bleach") -> str:
    """Return the stored HTML for a comment written in HTML (WordPress, Disqus exports).

    Blank lines separate paragraphs and single newlines are line breaks, as WordPress
    shows them; then the same allowlist as any comment applies.
    """
    return clean_html(html_paragraphs(source), backend=backend).strip()


def html_paragraphs(source: str) -> str:
    """Return `source` with its bare paragraphs and line breaks made `<p>` and `<br>`."""
    paragraphs = re.split(r"\n\s*\n", strip_invisible(source).replace("\r\n", "\n").strip())
    blocks = [
        part if _BLOCK_START.match(part) else "<p>" + part.replace("\n", "<br>\n") + "</p>"
        for part in paragraphs
        if part.strip()
    ]
    return "\n".join(blocks)


def render_post(source: str, *, backend: str = "bleach") -> str:
    """Return the HTML for a post body: the author's Markdown, through the post allowlist."""
    html = markdown_to_html(source, for_post=True)
    return clean_html(html, backend=backend, for_post=True).strip()


def strip_invisible(text: str) -> str:
    """Remove zero-width and direction-override characters."""
    return _INVISIBLE.sub("", text)


def plain_text(text: str) -> str:
    """Return a one-line plain-text value (author names): no controls, no invisible tricks."""
    text = unicodedata.normalize("NFKC", strip_invisible(text))
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch == " ")
    return " ".join(text.split())


# What a URL's path, query and fragment may hold raw (RFC 3986 pchar, "/", "?", "#" and
# "%" before two hex digits), minus the single quote: a page, feed or e-mail that puts the
# address in an attribute never meets a quote, an angle bracket or a space.
_URL_RAW = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&()*+,;=:@/?#"
)
_URL_HOST = re.compile(r"^(?:[a-z0-9_.-]+|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?$")
_HEX2 = re.compile(r"[0-9A-Fa-f]{2}")


def web_url_normalise(url: str) -> str | None:
    """Return `url` as a plain http(s) address, or None when it is not one.

    Scheme and host are lower-cased, a host must be a name or an IP (no user:password@),
    and everything after it that a URL may not hold raw is percent-encoded:
    `https://example.com/'><script>` becomes `https://example.com/%27%3E%3Cscript%3E`.
    """
    url = url.strip()
    if not is_safe_web_url(url):
        return None
    scheme, rest = url.split("://", 1)
    cut = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    host, tail = rest[:cut].lower(), rest[cut:]
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    if not _URL_HOST.match(host):
        return None
    return f"{scheme.lower()}://{host}{_percent_encode(tail)}"


def _percent_encode(text: str) -> str:
    out = []
    for i, ch in enumerate(text):
        if ch in _URL_RAW or (ch == "%" and _HEX2.match(text, i + 1)):
            out.append(ch)
        else:
            out.extend(f"%{byte:02X}" for byte in ch.encode("utf-8", "surrogatepass"))
    return "".join(out)


def is_safe_web_url(url: str) -> bool:
    """Whether `url` is an absolute http(s) address with a host, and nothing else."""
    match = re.match(r"^https?://([^/?#\s]+)", url, flags=re.IGNORECASE)
    return bool(match) and not any(ch.isspace() or ord(ch) < 32 for ch in url)
