"""Imported HTML meets the same sanitizer as typed comments: the hostile corpus, both backends."""

import re
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest

from comments.models import Comment
from tests.comments.porting.conftest import run_import
from tests.factories import PostFactory
from tests.security.xss_checks import assert_safe_comment_html
from tests.security.xss_corpus import CORPUS as TYPED

# XML 1.0 cannot carry most control characters: no export holds them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
CORPUS = [_XML_INVALID.sub("", payload) for payload in TYPED]


@pytest.fixture(params=["bleach", "nh3"])
def backend(request: Any, settings: Any) -> str:
    settings.COMMENTS = {**getattr(settings, "COMMENTS", {}), "SANITIZER": request.param}
    return str(request.param)


def corpus_file(tmp_path: Path, fmt: str) -> Path:
    """The corpus as WordPress comments or Disqus posts, each payload XML-escaped."""
    if fmt == "wxr":
        items = "".join(
            f"<wp:comment><wp:comment_id>{n}</wp:comment_id><wp:comment_author>x</wp:comment_author>"
            f"<wp:comment_content>{escape(p)}</wp:comment_content>"
            "<wp:comment_approved>1</wp:comment_approved></wp:comment>"
            for n, p in enumerate(CORPUS, 1)
        )
        text = (
            '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><title>t</title>'
            f"<wp:post_id>1</wp:post_id><wp:post_name>xss</wp:post_name>{items}</item></channel></rss>"
        )
    else:
        items = "".join(
            f'<post dsq:id="{n}"><message>{escape(p)}</message><thread dsq:id="t" /></post>'
            for n, p in enumerate(CORPUS, 1)
        )
        text = (
            '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">'
            f'<thread dsq:id="t"><link>/xss/</link></thread>{items}</disqus>'
        )
    path = tmp_path / f"corpus.{fmt}.xml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["wxr", "disqus"])
def test_every_hostile_body_is_stored_allowlisted(
    db: None, tmp_path: Path, backend: str, fmt: str
) -> None:
    """No payload of the corpus survives as script, handler or dangerous URL."""
    PostFactory(slug="xss", url="/xss/")
    report = run_import(corpus_file(tmp_path, fmt))
    assert report["created"] == len(CORPUS)
    for html in Comment.objects.values_list("body_html", flat=True):
        assert_safe_comment_html(html)
