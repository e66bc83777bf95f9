"""Errors under /api/ speak JSON and say what went wrong: unmatched paths, oversize bodies."""

import pytest

UNMATCHED = [
    "/api/",
    "/api/v1/",
    "/api/v2/posts/",
    "/api/v1/nothing-here/",
    "/api/v1/comments/not-a-number/",
    "/api/v1/comments/-1/",
    "/api/v1/moderation/",
    "/api/v1/moderation/comments/abc/approve/",
    "/api/v1/posts/a%20b/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
@pytest.mark.parametrize("path", UNMATCHED)
def test_unmatched_api_paths_answer_json_404(client, settings, path, debug):
    """A path under /api/ that matches nothing is DRF's JSON 404, with DEBUG on or off."""
    settings.DEBUG = debug

    answer = client.get(path, HTTP_ACCEPT="text/html")

    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/json"
    assert answer.json() == {"detail": "Not found."}


@pytest.mark.django_db
def test_api_path_without_its_slash_still_redirects(client):
    """The JSON 404 does not swallow Django's redirect to the path with its slash."""
    answer = client.get("/api/v1/posts")

    assert answer.status_code == 301
    assert answer["Location"] == "/api/v1/posts/"


@pytest.mark.django_db
def test_pages_outside_the_api_keep_the_html_404(client):
    """Unknown blog pages still get the HTML page a reader expects."""
    answer = client.get("/no-such-page/")

    assert answer.status_code == 404
    assert answer["Content-Type"].startswith("text/html")


def oversize(client, path, **extra):
    return client.post(path, "x" * 70_000, content_type="application/json", **extra)


def test_an_oversize_bulk_decision_asks_for_fewer_ids(moderator_api):
    """A 413 on a bulk moderation request says to split the ids, not to shorten a comment."""
    detail = oversize(moderator_api, "/api/v1/moderation/comments/bulk/").json()["detail"]

    assert "70000 bytes" in detail
    assert "Split the ids" in detail
    assert "comment" not in detail


@pytest.mark.parametrize(
    ("path", "hint"),
    [
        ("/api/v1/posts/hello-world/comments/", "Send a shorter comment."),
        ("/api/v1/comments/1/", "Send a shorter comment."),
        ("/api/v1/moderation/comments/1/approve/", "Send a smaller request body."),
        ("/api/v1/posts/", "Send a smaller request body."),
    ],
)
def test_an_oversize_request_says_what_to_send_instead(client, path, hint):
    """Each 413 names the size, the limit, and what to shorten for that kind of request."""
    detail = oversize(client, path).json()["detail"]

    assert detail.startswith("The request body is 70000 bytes; the limit is 65536.")
    assert detail.endswith(hint)
