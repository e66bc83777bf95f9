"""The JSON export: its schema, its privacy switch, the API, and the round trip."""

import json
from io import StringIO
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from blog.models import Post
from comments import services
from comments.models import Comment, Status
from tests.comments.porting.conftest import FIXTURES, run_import
from tests.factories import PostFactory

SCHEMA = json.loads((Path(__file__).parents[3] / "docs" / "export.schema.json").read_text())


def export(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("export_comments", *args, stdout=out)
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def submit(post: Post, body: str, parent: Comment | None = None) -> services.Submitted:
    return services.comment_submit(
        post=post,
        author_name="Reader Ü",
        author_email="reader@example.org",
        body=body,
        parent=parent,
        context=services.RequestContext(ip_address="203.0.113.9"),
    )


def set_status(comment: Comment, to: str) -> None:
    services.comment_set_status(comment=comment, to=to, actor_label="mod", reason="decided")


def build_corpus() -> None:
    """Every status, a thread as deep as replies go, an edit, history, imported comments."""
    post = PostFactory(slug="corpus", url="/2020/01/01/corpus/")
    PostFactory(slug="moderating-without-burnout", extra={"wordpress_id": 4127})
    parent = None
    for level in range(7):
        comment = submit(post, f"Level {level} with *Markdown* and <b>html</b>", parent).comment
        set_status(comment, Status.APPROVED)
        parent = comment
    for status in (Status.REJECTED, Status.SPAM):
        set_status(submit(post, f"To be {status}").comment, status)
    removed = submit(post, "Withdrawn")
    services.comment_remove(comment=removed.comment, token=removed.edit_token)
    edited = submit(post, "First version")
    set_status(edited.comment, Status.APPROVED)
    services.comment_edit(comment=edited.comment, token=edited.edit_token, body="Second version")
    submit(post, "Still pending")
    run_import(FIXTURES / "wordpress.xml", "--create-posts")


def without_ids(document: dict[str, Any]) -> dict[str, Any]:
    """Replace database ids by positions: the same thread has other ids in another database."""
    for post in document["posts"]:
        position = {comment["id"]: n for n, comment in enumerate(post["comments"])}
        for comment in post["comments"]:
            comment["id"] = position[comment["id"]]
            comment["parent"] = position.get(comment["parent"])
    return document


@pytest.mark.django_db
def test_export_import_export_gives_the_same_document(tmp_path: Path) -> None:
    """Importing an export into an empty database and exporting again changes nothing but ids."""
    build_corpus()
    first = tmp_path / "first.json"
    call_command("export_comments", "-o", str(first))
    Post.objects.all().delete()
    assert Comment.objects.count() == 0
    report = run_import(first, "--create-posts")
    assert report["format"] == "json"
    again = export()
    original = json.loads(first.read_text())
    assert without_ids(again) == without_ids(original)
    statuses = {c["status"] for p in original["posts"] for c in p["comments"]}
    assert statuses == set(Status.values)
    assert max(Comment.objects.values_list("depth", flat=True)) == 6
    assert Comment.objects.filter(edited_at__isnull=False).count() == 1


@pytest.mark.django_db
def test_the_export_validates_against_its_published_schema() -> None:
    """docs/export.schema.json describes what the command writes."""
    build_corpus()
    jsonschema.validate(export(), SCHEMA, format_checker=jsonschema.FormatChecker())


@pytest.mark.django_db
def test_running_the_restore_twice_creates_nothing(tmp_path: Path) -> None:
    """Comments restored from an export are keyed by their old ids (or their source's)."""
    build_corpus()
    dump = tmp_path / "dump.json"
    call_command("export_comments", "-o", str(dump))
    count = Comment.objects.count()
    Post.objects.all().delete()
    run_import(dump, "--create-posts")
    again = run_import(dump, "--create-posts")
    assert again["created"] == 0
    assert Comment.objects.count() == count


@pytest.mark.django_db
def test_no_personal_data_leaves_out_addresses_and_source_extras() -> None:
    """No e-mail, no IP, no original extra fields; everything else stays."""
    build_corpus()
    comments = [c for p in export("--no-personal-data")["posts"] for c in p["comments"]]
    assert {c["author_email"] for c in comments} == {""}
    assert {c["ip_address"] for c in comments} == {None}
    assert all(c["source"] is None or c["source"]["extra"] == {} for c in comments)
    assert "reader@example.org" not in json.dumps(comments)


@pytest.mark.django_db
def test_post_option_exports_one_post() -> None:
    """--post SLUG gives a document with that post only."""
    build_corpus()
    assert [p["slug"] for p in export("--post", "corpus")["posts"]] == ["corpus"]


@pytest.mark.django_db
def test_a_truncated_export_is_refused_with_its_line(tmp_path: Path) -> None:
    """An export cut at a line boundary still says it is truncated."""
    build_corpus()
    dump = tmp_path / "dump.json"
    call_command("export_comments", "-o", str(dump))
    cut = tmp_path / "cut.json"
    cut.write_text("".join(dump.read_text().splitlines(keepends=True)[:5]))
    with pytest.raises(Exception, match=r"line \d+: the file ends before the document does"):
        run_import(cut, "--create-posts")


def test_the_api_streams_the_same_document_to_moderators(moderator_api: APIClient) -> None:
    """GET /api/v1/moderation/export/ answers the command's document, streamed."""
    build_corpus()
    response = moderator_api.get("/api/v1/moderation/export/")
    assert response.status_code == 200
    assert response.streaming
    body = json.loads(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert body == export()


def test_the_api_refuses_everyone_else(api: APIClient, user_api: APIClient) -> None:
    """Readers and ordinary users get 401/403, never the comments."""
    assert api.get("/api/v1/moderation/export/").status_code in (401, 403)
    assert user_api.get("/api/v1/moderation/export/").status_code == 403


def test_the_api_says_when_the_post_is_unknown(moderator_api: APIClient) -> None:
    """?post= naming no post answers 404."""
    assert moderator_api.get("/api/v1/moderation/export/?post=nope").status_code == 404


@pytest.mark.django_db
def test_an_export_laid_out_by_another_tool_is_read_whole(tmp_path: Path) -> None:
    """The same document pretty-printed (not one comment per line) restores the same."""
    build_corpus()
    original = export()
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(original, indent=2, ensure_ascii=False))
    Post.objects.all().delete()
    run_import(pretty, "--create-posts")
    assert without_ids(export()) == without_ids(original)
