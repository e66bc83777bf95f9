"""Sanitizing: hostile HTML and Markdown come out as allowlisted, safe HTML on both backends."""

import re
from urllib.parse import unquote

import html5lib
import pytest

from comments import sanitize

BACKENDS = ["bleach", "nh3"]
REL = "nofollow ugc noopener"
SAFE_SCHEMES = {"http", "https", "mailto"}
URL_ATTRIBUTES = {"href", "src"}

HOSTILE = [
    # script, style and embedding tags
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script\n>alert(1)</script\n>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<iframe src='javascript:alert(1)'></iframe>",
    "<iframe srcdoc='&lt;script&gt;alert(1)&lt;/script&gt;'></iframe>",
    "<object data='javascript:alert(1)'></object>",
    "<embed src='data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='>",
    "<applet code='x.class'></applet>",
    "<link rel=stylesheet href='javascript:alert(1)'>",
    "<meta http-equiv='refresh' content='0;url=javascript:alert(1)'>",
    "<base href='javascript:alert(1)//'>",
    "<form action='javascript:alert(1)'><input type=submit></form>",
    "<button formaction='javascript:alert(1)'>x</button>",
    "<textarea><script>alert(1)</script></textarea>",
    "<noscript><p title='</noscript><img src=x onerror=alert(1)>'></noscript>",
    "<template><script>alert(1)</script></template>",
    "<xmp><script>alert(1)</script></xmp>",
    "<plaintext><script>alert(1)</script>",
    # event handlers
    "<img src=x onerror=alert(1)>",
    "<b onmouseover=alert(1)>hover</b>",
    "<p onclick='alert(1)'>click</p>",
    "<a href='https://ok.example' onclick='alert(1)'>x</a>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<div style='background:url(javascript:alert(1))'>x</div>",
    "<a href='https://ok.example' style='position:fixed;top:0'>x</a>",
    "<a href='https://ok.example' class='admin' id='x' target='_blank'>x</a>",
    # dangerous URL schemes, disguised
    "<a href='javascript:alert(1)'>x</a>",
    "<a href='JaVaScRiPt:alert(1)'>x</a>",
    "<a href='&#106;avascript:alert(1)'>x</a>",
    "<a href='&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)'>x</a>",
    "<a href='&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114"
    "&#0000105&#0000112&#0000116&#0000058alert(1)'>x</a>",
    "<a href='java\tscript:alert(1)'>x</a>",
    "<a href='java\nscript:alert(1)'>x</a>",
    "<a href='java&#9;script:alert(1)'>x</a>",
    "<a href='java&Tab;script:alert(1)'>x</a>",
    "<a href=' \x01javascript:alert(1)'>x</a>",
    "<a href='javascript&colon;alert(1)'>x</a>",
    "<a href='data:text/html,<script>alert(1)</script>'>x</a>",
    "<a href='vbscript:msgbox(1)'>x</a>",
    "<a href='VBScript:msgbox(1)'>x</a>",
    "<a href='file:///etc/passwd'>x</a>",
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    "<abbr title='x' onmouseover='alert(1)'>x</abbr>",
    # Markdown tricks
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](  javascript:alert(1)  )",
    "[click](java%0ascript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD4=)",
    "[click](vbscript:msgbox(1))",
    "![img](javascript:alert(1))",
    '![x](https://evil.example/x.png" onerror="alert(1))',
    '[a](https://ok.example "title" onclick=alert(1))',
    "[ref][1]\n\n[1]: javascript:alert(1)",
    '[ref][evil]\n\n[evil]: data:text/html,alert(1) "t"',
    "<javascript:alert(1)>",
    '<https://ok.example/" onclick="alert(1)>',
    "<mailto:a@example.org?body=<script>>",
    "[x](https://ok.example)<script>alert(1)</script>",
    "**<script>alert(1)</script>**",
    "`<script>` and ```\n<script>alert(1)</script>\n```",
    "> <iframe src=//evil.example>",
    "- <img src=x onerror=alert(1)>\n- item",
    "[<img src=x onerror=alert(1)>](https://ok.example)",
    "[x](https://ok.example'onmouseover='alert(1))",
    # nesting, unclosed tags, comments, CDATA
    "<b><i><script>alert(1)</i></b>",
    "<a href='https://ok.example'><a href='javascript:alert(1)'>x</a></a>",
    "<p><b>unclosed <i>tags <a href='https://ok.example'>link",
    "<<script>script>alert(1)<</script>/script>",
    "<!-- <script>alert(1)</script> -->",
    "<!--><img src=x onerror=alert(1)>-->",
    "<!-- --!><img src=x onerror=alert(1)>",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<?xml version='1.0'?><script>alert(1)</script>",
    "<!DOCTYPE html><script>alert(1)</script>",
    # SVG and MathML
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href='javascript:alert(1)'><text>x</text></a></svg>",
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<math href='javascript:alert(1)'>x</math>",
    "<svg><animate attributeName=href to=javascript:alert(1) /></svg>",
    # attribute breakouts
    "<a href='https://ok.example/\"onmouseover=\"alert(1)'>x</a>",
    '<a href="https://ok.example/\'><script>alert(1)</script>">x</a>',
    "<a title='\"><script>alert(1)</script>' href='https://ok.example'>x</a>",
    "<a href=https://ok.example/ onmouseover=alert(1)//>x</a>",
    "<abbr title=`x`onmouseover=alert(1)>x</abbr>",
    "<a href='https://ok.example' rel='opener'>x</a>",
    "<img/src=x/onerror=alert(1)>",
    "<a/href=javascript:alert(1)>x</a>",
    "<a\x00href='javascript:alert(1)'>x</a>",
    "\u202e<a href='https://ok.example'>gnp.exe</a>\u200b<script>alert(1)</script>",
]


def url_scheme(url: str) -> str | None:
    """Return the scheme a browser would read in `url`, or None for a relative URL."""
    url = url.strip("".join(chr(c) for c in range(0x21)))
    url = re.sub("[\t\n\r]", "", url)
    match = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", url)
    return match.group(1).lower() if match else None


def problems(
    html: str,
    *,
    tags: frozenset[str],
    attributes: dict[str, list[str]],
    rel: str | None = REL,
) -> list[str]:
    """Parse `html` as a browser would and list everything outside the allowlist.

    Every `<a>` must carry `rel` (None for a post: the author's links have none) and an href.
    """
    found = []
    fragment = html5lib.parseFragment(html, namespaceHTMLElements=False)
    for node in fragment.iter():
        if node is fragment:
            continue
        if not isinstance(node.tag, str):
            found.append(f"comment or processing instruction {node.text!r}")
            continue
        if node.tag not in tags:
            found.append(f"tag <{node.tag}>")
            continue
        for name, value in node.attrib.items():
            if name not in attributes.get(node.tag, []):
                found.append(f"attribute {name}= on <{node.tag}>")
            elif name in URL_ATTRIBUTES and url_scheme(value) not in SAFE_SCHEMES | {None}:
                found.append(f"{name}={value!r} on <{node.tag}>")
        if node.tag == "a" and node.get("rel") != rel:
            found.append(f"<a> with rel={node.get('rel')!r}")
        if node.tag == "a" and "href" not in node.attrib:
            found.append("<a> without href")
    return found


def test_the_scheme_reader_sees_what_a_browser_sees():
    """The test's own URL reader unmasks tabs, newlines, case and leading junk like a browser."""
    assert url_scheme(" \x01JaVa\tscript:alert(1)") == "javascript"
    assert url_scheme("java\nscript:x") == "javascript"
    assert url_scheme("java   script:x") is None
    assert url_scheme("/relative/path") is None
    assert url_scheme(unquote("https%3A//x")) == "https"


@pytest.mark.parametrize(
    "html",
    [
        "<script>x</script>",
        "<b onclick=x>b</b>",
        '<a href="java&#9;script:x" rel="nofollow ugc noopener">a</a>',
        '<a href="https://ok.example">no rel</a>',
        "<!-- hidden -->",
        "<svg><a>x</a></svg>",
        '<p class="x">p</p>',
    ],
)
def test_the_structural_check_catches_what_it_should(html):
    """The checker itself flags scripts, handlers, bad schemes, missing rel, comments, SVG."""
    assert problems(html, tags=sanitize.COMMENT_TAGS, attributes=sanitize.COMMENT_ATTRIBUTES)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_comment_input_leaves_only_allowlisted_html(source, backend):
    """Whatever a reader types, the stored HTML holds only allowed tags, attributes and URLs."""
    html = sanitize.render_comment(source, backend=backend)
    found = problems(html, tags=sanitize.COMMENT_TAGS, attributes=sanitize.COMMENT_ATTRIBUTES)
    assert found == [], f"{source!r} → {html!r}"


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_post_bodies_leave_only_the_wider_post_allowlist(source, backend):
    """Post bodies (imported from WordPress, say) meet the wider allowlist, still no scripts."""
    html = sanitize.render_post(source, backend=backend)
    found = problems(html, tags=sanitize.POST_TAGS, attributes=sanitize.POST_ATTRIBUTES, rel=None)
    assert found == [], f"{source!r} → {html!r}"


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("source", HOSTILE)
def test_sanitizing_twice_changes_nothing_more(source, backend):
    """Stored HTML is already clean: cleaning it again keeps it within the allowlist."""
    once = sanitize.render_comment(source, backend=backend)
    twice = sanitize.clean_html(once, backend=backend)
    assert problems(twice, tags=sanitize.COMMENT_TAGS, attributes=sanitize.COMMENT_ATTRIBUTES) == []


def test_the_corpus_is_large_enough():
    """The hostile corpus has at least 60 distinct inputs."""
    assert len(set(HOSTILE)) >= 60


POSITIVE = [
    ("**bold** and *em*", "<p><strong>bold</strong> and <em>em</em></p>"),
    ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
    ("1. first\n2. second", "<ol>\n<li>first</li>\n<li>second</li>\n</ol>"),
    (
        "```\nif a < b and <b>x</b>:\n    go()\n```",
        "<pre><code>if a &lt; b and &lt;b&gt;x&lt;/b&gt;:\n    go()\n</code></pre>",
    ),
    ("Inline `<i>x</i>` code", "<p>Inline <code>&lt;i&gt;x&lt;/i&gt;</code> code</p>"),
    (
        "see https://example.org/page?a=1&b=2 now",
        '<p>see <a href="https://example.org/page?a=1&amp;b=2" rel="nofollow ugc noopener">'
        "https://example.org/page?a=1&amp;b=2</a> now</p>",
    ),
    (
        "www.example.org",
        '<p><a href="http://www.example.org" rel="nofollow ugc noopener">www.example.org</a></p>',
    ),
    (
        "mail [me](mailto:ann@example.org)",
        '<p>mail <a href="mailto:ann@example.org" rel="nofollow ugc noopener">me</a></p>',
    ),
    (
        "[docs](https://docs.example/x)",
        '<p><a href="https://docs.example/x" rel="nofollow ugc noopener">docs</a></p>',
    ),
    ("line one\nline two", "<p>line one<br>\nline two</p>"),
    ("para one\n\npara two", "<p>para one</p>\n<p>para two</p>"),
    ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>"),
    (
        "<del>gone</del> <abbr title='HyperText'>HTML</abbr>",
        '<p><del>gone</del> <abbr title="HyperText">HTML</abbr></p>',
    ),
    ("2 < 3 & 4 > 1", "<p>2 &lt; 3 &amp; 4 &gt; 1</p>"),
    ("zero\u200bwidth\u202eoverride", "<p>zerowidthoverride</p>"),
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("source", "expected"), POSITIVE)
def test_ordinary_formatting_survives(source, expected, backend):
    """Bold, lists, code, links, bare URLs and line breaks render as a reader expects."""
    assert sanitize.render_comment(source, backend=backend) == expected


@pytest.mark.parametrize("backend", BACKENDS)
def test_links_typed_as_html_lose_target_and_get_our_rel(backend):
    """A typed link keeps its address but loses target= and any rel the author chose."""
    html = sanitize.render_comment(
        "<a href='https://ok.example' target='_blank' rel='opener'>x</a>", backend=backend
    )
    assert html == '<p><a href="https://ok.example" rel="nofollow ugc noopener">x</a></p>'


@pytest.mark.parametrize("backend", BACKENDS)
def test_images_are_dropped_from_comments_but_kept_in_posts(backend):
    """Comments carry no images; post bodies keep https images with their alt text."""
    source = "![a cat](https://img.example/cat.png)"
    assert "<img" not in sanitize.render_comment(source, backend=backend)
    assert sanitize.render_post(source, backend=backend) == (
        '<p><img alt="a cat" src="https://img.example/cat.png"></p>'
    )


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    "source",
    [
        "[x](javascript:alert(1))",
        "[x](vbscript:msgbox)",
        "[x](data:text/html,hi)",
        "<a href='javascript:alert(1)'>x</a>",
        "<a name='top'>x</a>",
    ],
)
def test_a_link_whose_address_is_dropped_becomes_plain_text(source, backend):
    """A link left without an address renders as its text, not as a dead link-styled <a>."""
    assert sanitize.render_comment(source, backend=backend) == "<p>x</p>"
    assert sanitize.render_post(source, backend=backend) == "<p>x</p>"


def test_an_unknown_backend_is_refused_with_the_choices():
    """Asking for a sanitizer that does not exist names the ones that do."""
    with pytest.raises(ValueError, match="'bleach' or 'nh3'"):
        sanitize.clean_html("<b>x</b>", backend="lxml")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ann Reader", "Ann Reader"),
        ("  Ann \n\t Reader  ", "Ann Reader"),
        ("Ann\u202eredaeR", "AnnredaeR"),
        ("Ann\x00\x07Bell", "AnnBell"),
        ("<b>Ann</b>", "<b>Ann</b>"),
        ("\uff21nn", "Ann"),
        ("\u200b\u200b", ""),
    ],
)
def test_author_names_become_one_line_of_plain_text(name, expected):
    """Names lose controls, invisible characters and extra spaces; markup stays literal text."""
    assert sanitize.plain_text(name) == expected


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://ann.example", True),
        ("http://ann.example/blog?x=1", True),
        ("HTTPS://ANN.EXAMPLE", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("data:text/html,x", False),
        ("vbscript:x", False),
        ("//ann.example", False),
        ("ann.example", False),
        ("https://", False),
        ("https://ann.example/a b", False),
        ("https://ann.example/\x00", False),
        ("mailto:ann@example.org", False),
    ],
)
def test_author_urls_must_be_plain_web_addresses(url, safe):
    """Only absolute http(s) addresses with a host count as an author's website."""
    assert sanitize.is_safe_web_url(url) is safe


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("bomb", ["1. " * 3000, "+ " * 3000, "1. " * 600 + "<script>x</script>"])
def test_markdown_nesting_bombs_render_as_plain_text(bomb, backend):
    """A short body that nests lists thousands deep comes out as escaped text, not a crash."""
    html = sanitize.render_comment(bomb, backend=backend)
    assert html.startswith("<p>1. 1.") or html.startswith("<p>+ +")
    assert problems(html, tags=sanitize.COMMENT_TAGS, attributes=sanitize.COMMENT_ATTRIBUTES) == []


@pytest.mark.parametrize(
    ("url", "stored"),
    [
        ("https://ann.example", "https://ann.example"),
        ("HTTPS://Ann.Example/Blog?x=1&y=2#top", "https://ann.example/Blog?x=1&y=2#top"),
        (
            "https://example.com/'><script>alert(1)</script>",
            "https://example.com/%27%3E%3Cscript%3Ealert(1)%3C/script%3E",
        ),
        ('https://ann.example/?q="x"', "https://ann.example/?q=%22x%22"),
        ("https://ann.example/caf%C3%A9", "https://ann.example/caf%C3%A9"),
        ("https://ann.example/café", "https://ann.example/caf%C3%A9"),
        ("https://ann.example/100%", "https://ann.example/100%25"),
        ("https://bücher.example/", "https://xn--bcher-kva.example/"),
        ("https://[2001:db8::1]:8443/x", "https://[2001:db8::1]:8443/x"),
        ("https://user:secret@ann.example/", None),
        ("https://ann.example<script>/", None),
        ('https://ann.example"onmouseover=x/', None),
        ("javascript:alert(1)", None),
    ],
)
def test_author_urls_are_stored_percent_encoded_or_refused(url, stored):
    """A website keeps no raw quote, angle bracket or non-ASCII; a strange host is refused."""
    assert sanitize.web_url_normalise(url) == stored
