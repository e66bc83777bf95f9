"""Imported websites are stored as a submit stores them: percent-encoded, or not at all."""

import pytest

from comments.porting.build import build_comment
from comments.porting.records import SourceComment
from comments.porting.report import ImportReport


def built_url(url: str) -> tuple[str, SourceComment]:
    source = SourceComment(
        system="wxr", id="1", thread="t", status="approved", original_status="1", author_url=url
    )
    comment, _ = build_comment(source, post_id=1, parent=None, report=ImportReport())
    return comment.author_url, source


@pytest.mark.parametrize(
    ("url", "stored"),
    [
        ("https://ann.example/", "https://ann.example/"),
        ("https://example.com/'><script>", "https://example.com/%27%3E%3Cscript%3E"),
        ("HTTP://Ann.Example/café", "http://ann.example/caf%C3%A9"),
        ("", ""),
    ],
)
def test_an_imported_website_is_percent_encoded(url, stored):
    """Quotes, angle brackets and non-ASCII never reach storage raw from an import either."""
    assert built_url(url)[0] == stored


def test_an_imported_website_that_is_no_web_address_is_kept_aside():
    """A javascript: or credentialed address is not stored; the source fields keep it."""
    stored, source = built_url("https://user:pw@ann.example/")
    assert stored == ""
    assert source.extra["author_url"] == "https://user:pw@ann.example/"
