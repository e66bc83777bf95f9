"""Structural checks on HTML that holds comments: only allowlisted tags, attributes and URLs."""

import re
from typing import Any

import html5lib
from rest_framework.test import APIClient

from comments import sanitize
from comments.models import Comment, Status
from tests.security.xss_corpus import CORPUS, URLS

SAFE_SCHEMES = {"http", "https", "mailto"}
LINK_REL = sanitize.LINK_REL
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_EDGES = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$")
_TAB_NEWLINE = re.compile(r"[\t\n\r]")


def url_scheme(value: str) -> str | None:
    """Return the scheme a browser's URL parser (WHATWG) finds in an attribute value.

    It trims C0 controls and spaces at both ends and drops every tab and newline inside.
    """
    match = _SCHEME.match(_TAB_NEWLINE.sub("", _EDGES.sub("", value)).lower())
    return match.group(1) if match else None


def elements(html: str) -> list[Any]:
    """Parse `html` as a browser would (html5lib) and return its elements."""
    root = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    return [el for el in root.iter() if isinstance(el.tag, str) and el is not root]


def assert_safe_comment_html(html: str) -> None:
    """Fail unless `html` holds only the comment allowlist, with safe links."""
    for el in elements(html):
        assert el.tag in sanitize.COMMENT_TAGS, f"tag {el.tag!r} in {html!r}"
        allowed = set(sanitize.COMMENT_ATTRIBUTES.get(el.tag, []))
        assert set(el.attrib) <= allowed, f"attributes {dict(el.attrib)} on <{el.tag}> in {html!r}"
        if el.tag == "a" and "href" in el.attrib:
            assert url_scheme(el.attrib["href"]) in SAFE_SCHEMES | {None}, html
            assert el.attrib.get("rel") == LINK_REL, html
    again = [(e.tag, sorted(e.attrib.items())) for e in elements(_serialize(html))]
    assert again == [(e.tag, sorted(e.attrib.items())) for e in elements(html)], "mutates"


def comments_section(page: str) -> Any:
    """Parse a whole page as a browser would and return its #comments element."""
    root = html5lib.parse(page, treebuilder="etree", namespaceHTMLElements=False)
    found = root.find(".//*[@id='comments']")
    assert found is not None, "the page has no #comments element"
    return found


def assert_safe_page_section(section: Any, allowed_tags: set[str]) -> None:
    """Fail if any element under `section` is outside `allowed_tags`, has a handler or bad URL."""
    for el in section.iter():
        if not isinstance(el.tag, str):
            continue
        assert el.tag in allowed_tags, f"tag {el.tag!r}"
        assert not [a for a in el.attrib if a.lower().startswith("on")], dict(el.attrib)
        assert "style" not in el.attrib, dict(el.attrib)
        for name in ("href", "src", "action", "formaction", "xlink:href"):
            if name in el.attrib:
                assert url_scheme(el.attrib[name]) in SAFE_SCHEMES | {None}, el.attrib[name]


def _serialize(html: str) -> str:
    tree = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    return html5lib.serialize(
        tree, tree="etree", quote_attr_values="always", omit_optional_tags=False
    )


def submit_corpus(slug: str) -> list[int]:
    """Send every payload as a body, an author name and an author URL; return the ids saved."""
    reader = APIClient(REMOTE_ADDR="203.0.113.66")
    url = f"/api/v1/posts/{slug}/comments/"
    tries = [{"author_name": "Body test", "body": payload} for payload in CORPUS]
    tries += [{"author_name": payload[:80], "body": "Name test."} for payload in CORPUS]
    tries += [{"author_name": "Url test", "author_url": u, "body": "Url test."} for u in URLS]
    ids = []
    for values in tries:
        answer = reader.post(url, {"author_email": "x@example.org", **values}, format="json")
        assert answer.status_code in (201, 400), (values, answer.status_code, answer.content)
        if answer.status_code == 201:
            ids.append(answer.json()["id"])
    return ids


def approve_all(ids: list[int]) -> None:
    """Approve comments the way a moderator would (the bulk moderation service)."""
    from django.contrib.auth.models import User

    from moderation.services import comments_moderate

    actor, _ = User.objects.get_or_create(username="xss-moderator", defaults={"is_staff": True})
    comments_moderate(ids=ids, action="approve", actor=actor)
    assert Comment.objects.filter(pk__in=ids, status=Status.APPROVED).count() == len(ids)
