"""The XML exports' reader: defused, exact about where a file breaks, read in a child process."""

from io import BytesIO
from pathlib import Path

import pytest
from django.core.management import CommandError

from blog.models import Post
from comments.models import Comment
from comments.porting.records import FileError
from comments.porting.report import ImportReport
from comments.porting.xmlstream import Closed, Node, records
from tests.comments.porting.conftest import run_import
from tests.factories import PostFactory

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def wxr(comments: str, *, doctype: str = "", channel: str = "") -> str:
    """A WXR with one post (wordpress_id 4127), one line per comment."""
    return (
        f"{HEAD}{doctype}"
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>\n'
        f"{channel}"
        "<item><title>T</title><wp:post_id>4127</wp:post_id>\n"
        f"{comments}"
        "</item></channel></rss>\n"
    )


def comment(number: int, author: str = "A") -> str:
    return (
        f"<wp:comment><wp:comment_id>{number}</wp:comment_id>"
        f"<wp:comment_author>{author}</wp:comment_author>"
        f"<wp:comment_content>c{number}</wp:comment_content>"
        "<wp:comment_approved>1</wp:comment_approved></wp:comment>\n"
    )


@pytest.fixture
def wp_post(db: None) -> Post:
    return PostFactory(slug="t", extra={"wordpress_id": 4127})


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "export.xml"
    path.write_text(text)
    return path


def test_an_external_entity_is_refused_and_nothing_is_read_from_it(
    wp_post: Post, tmp_path: Path
) -> None:
    """A file that names /etc/passwd as an entity is refused, with the line of the declaration."""
    path = write(
        tmp_path,
        wxr(
            comment(1, author="&x;"),
            doctype='<!DOCTYPE rss [\n<!ENTITY x SYSTEM "file:///etc/passwd">\n]>\n',
        ),
    )
    with pytest.raises(
        CommandError, match=r"line 3: the file declares entities.*refused for safety"
    ):
        run_import(path, "--format", "wxr")
    assert not Comment.objects.exists()


def test_an_undeclared_entity_under_an_external_dtd_is_refused_not_dropped(
    wp_post: Post, tmp_path: Path
) -> None:
    """expat does not fetch an external DTD; an entity only it could declare stops the import."""
    path = write(
        tmp_path,
        wxr(
            comment(1, author="&who;"),
            doctype='<!DOCTYPE rss SYSTEM "http://evil.example/x.dtd">\n',
        ),
    )
    with pytest.raises(CommandError, match="refused for safety"):
        run_import(path, "--format", "wxr")
    assert not Comment.objects.exists()


def test_a_truncated_file_names_the_line_where_it_ends(wp_post: Post, tmp_path: Path) -> None:
    """The error names the last line the file has; the whole file then imports every comment."""
    text = wxr("".join(comment(n) for n in range(1, 6)))
    cut = text[: text.index("<wp:comment_id>4")]
    path = write(tmp_path, cut)
    with pytest.raises(
        CommandError, match=rf"line {cut.count(chr(10)) + 1}: the file is not"
    ) as err:
        run_import(path)
    assert "Traceback" not in str(err.value)
    assert run_import(write(tmp_path, text))["created"] == 5


def test_line_numbers_stay_true_when_a_prefix_is_declared_for_the_file(
    wp_post: Post, tmp_path: Path
) -> None:
    """The undeclared atom: prefix is repaired on the root's line: a later error keeps its line."""
    text = wxr(comment(1) + "<atom:link href='x'/>\n" + comment(2) + "<broken>\n")
    path = write(tmp_path, text)
    # expat finds the mismatch at </item>, on the line after the unclosed <broken>
    end_tag_line = text[: text.index("</item>")].count("\n") + 1
    with pytest.raises(CommandError, match=rf"line {end_tag_line}: the file is not well-formed"):
        run_import(path)


def test_a_channel_image_title_is_not_taken_for_the_first_post(db: None, tmp_path: Path) -> None:
    """An RSS channel's <image> has a title and a link too; the created post gets the item's."""
    path = write(
        tmp_path,
        wxr(comment(1), channel="<image><title>Site logo</title><link>https://x/</link></image>\n"),
    )
    report = run_import(path, "--create-posts")
    assert report["threads"]["created"] == 1
    assert Post.objects.get().title == "T"


def test_records_are_elements_at_the_depth_with_text_and_prefixed_attributes() -> None:
    """Each record keeps its children, their text (before any child) and dsq:id attributes."""
    document = (
        b'<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">'
        b'<post dsq:id="c1"><message><![CDATA[<p>hi &amp; bye</p>]]></message>'
        b"<author>x<name>N</name>y</author></post></disqus>"
    )
    found = list(records(BytesIO(document), ImportReport(), depth=1))
    post, closed = found
    assert isinstance(post, Node)
    assert isinstance(closed, Closed)
    assert (post.name, post.get("dsq:id")) == ("post", "c1")
    message, author = post.children
    assert message.text == "<p>hi &amp; bye</p>"
    assert (author.text, author.children[0].name, author.children[0].text) == ("x", "name", "N")


def test_a_billion_laughs_is_refused_before_any_expansion() -> None:
    """The reader itself refuses the declaration: no element after it is read."""
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><r><c>&b;</c></r>'
    )
    with pytest.raises(FileError, match="EntitiesForbidden"):
        list(records(BytesIO(bomb), ImportReport(), depth=1))
