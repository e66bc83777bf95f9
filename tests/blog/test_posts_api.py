"""The posts API: anyone reads published posts; only moderators create posts and close them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import Status
from tests.contract import POST_FIELDS
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

PAGE_SIZE = 50  # REST_FRAMEWORK["PAGE_SIZE"]
NEW_POST = {
    "title": "Fresh post",
    "slug": "fresh-post",
    "body": "Hello *there*.",
    "comments_enabled": True,
}


def submit(api, slug: str) -> int:
    body = {"author_name": "Ann", "author_email": "ann@example.org", "body": "Nice post."}
    return api.post(f"/api/v1/posts/{slug}/comments/", body, format="json").status_code


def test_the_list_is_paginated_and_shows_published_posts_only(api):
    """Drafts and posts scheduled for later stay out of the public list, newest first."""
    for n in range(PAGE_SIZE + 1):
        PostFactory(slug=f"live-{n}", published_at=timezone.now() - timedelta(hours=n + 1))
    PostFactory(slug="draft", is_draft=True)
    PostFactory(slug="future", published_at=timezone.now() + timedelta(days=1))

    first = api.get("/api/v1/posts/").json()
    second = api.get(first["next"]).json()

    assert first["count"] == PAGE_SIZE + 1
    assert len(first["results"]) == PAGE_SIZE
    slugs = [p["slug"] for p in first["results"] + second["results"]]
    assert slugs == [f"live-{n}" for n in range(PAGE_SIZE + 1)]


def test_the_detail_has_exactly_the_contract_fields(api, post):
    """A post is slug, title, url, published_at, comments_enabled/open and its count."""
    CommentFactory(post=post)
    CommentFactory(post=post, status=Status.PENDING)

    body = api.get("/api/v1/posts/hello-world/").json()

    assert set(body) == POST_FIELDS
    assert body["comment_count"] == 1
    assert body["comments_open"] is True
    assert body["url"] == "http://testserver/posts/hello-world/"


def test_drafts_and_unknown_posts_are_404_for_the_public(api):
    """A draft is not found by readers, like a post that does not exist."""
    PostFactory(slug="secret", is_draft=True)

    assert api.get("/api/v1/posts/secret/").status_code == 404
    assert api.get("/api/v1/posts/nope/").status_code == 404


def test_creating_a_post_needs_a_moderator(api, user_api, moderator_api):
    """Anonymous gets 401, an ordinary user 403, a moderator 201 with a Location."""
    assert api.post("/api/v1/posts/", NEW_POST, format="json").status_code == 401
    assert user_api.post("/api/v1/posts/", NEW_POST, format="json").status_code == 403

    created = moderator_api.post("/api/v1/posts/", NEW_POST, format="json")

    assert created.status_code == 201
    assert created["Location"].endswith("/api/v1/posts/fresh-post/")
    assert api.get("/api/v1/posts/fresh-post/").json()["title"] == "Fresh post"


def test_closing_comments_needs_a_moderator(api, user_api, moderator_api, post):
    """PATCH comments_enabled: 401 anonymous, 403 ordinary user, 200 moderator."""
    url = "/api/v1/posts/hello-world/"
    closing = {"comments_enabled": False}
    assert api.patch(url, closing, format="json").status_code == 401
    assert user_api.patch(url, closing, format="json").status_code == 403

    answer = moderator_api.patch(url, closing, format="json")

    assert answer.status_code == 200
    assert answer.json()["comments_enabled"] is False
    assert answer.json()["comments_open"] is False


def test_after_closing_a_post_new_comments_are_refused_with_403(api, moderator_api, post):
    """Once a moderator closes comments, a submit answers 403; reopening lets it through."""
    moderator_api.patch("/api/v1/posts/hello-world/", {"comments_enabled": False}, format="json")
    assert submit(api, "hello-world") == 403

    moderator_api.patch("/api/v1/posts/hello-world/", {"comments_enabled": True}, format="json")
    assert submit(api, "hello-world") == 201


def test_comments_close_by_themselves_after_the_posts_own_days(api):
    """close_comments_after_days closes a post that much time after publishing."""
    PostFactory(
        slug="old", published_at=timezone.now() - timedelta(days=10), close_comments_after_days=7
    )
    PostFactory(
        slug="recent", published_at=timezone.now() - timedelta(days=3), close_comments_after_days=7
    )

    assert api.get("/api/v1/posts/old/").json()["comments_open"] is False
    assert submit(api, "old") == 403
    assert submit(api, "recent") == 201


def test_the_site_wide_close_after_days_applies_unless_a_post_says_otherwise(api, settings):
    """COMMENTS["CLOSE_AFTER_DAYS"] closes old posts; a post's own number wins."""
    settings.COMMENTS = {**settings.COMMENTS, "CLOSE_AFTER_DAYS": 30}
    PostFactory(slug="old", published_at=timezone.now() - timedelta(days=40))
    PostFactory(
        slug="kept-open",
        published_at=timezone.now() - timedelta(days=40),
        close_comments_after_days=365,
    )

    assert submit(api, "old") == 403
    assert api.get("/api/v1/posts/kept-open/").json()["comments_open"] is True
    assert submit(api, "kept-open") == 201


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"slug": "hello-world"}, "slug", id="duplicate-slug"),
        pytest.param({"slug": "not a slug!"}, "slug", id="invalid-slug"),
        pytest.param({"title": ""}, "title", id="empty-title"),
        pytest.param({"published_at": "yesterday"}, "published_at", id="bad-date"),
        pytest.param({"comments_enabled": "perhaps"}, "comments_enabled", id="bad-boolean"),
        pytest.param({"moderation_mode": "never"}, "moderation_mode", id="bad-mode"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(moderator_api, post, changes, field):
    """Invalid or duplicate values answer 400 with DRF's field errors, never a 500."""
    answer = moderator_api.post("/api/v1/posts/", {**NEW_POST, **changes}, format="json")

    assert answer.status_code == 400
    assert field in answer.json()


def test_a_patch_to_a_taken_slug_is_a_400(moderator_api, post):
    """Renaming a post to another post's slug is refused with a field error."""
    PostFactory(slug="other")

    answer = moderator_api.patch("/api/v1/posts/other/", {"slug": "hello-world"}, format="json")

    assert answer.status_code == 400
    assert "slug" in answer.json()


def test_an_absurd_closing_delay_never_closes_and_never_fails(api, moderator_api, post):
    """A close_comments_after_days past the calendar's end means open, not a 500."""
    answer = moderator_api.patch(
        "/api/v1/posts/hello-world/", {"close_comments_after_days": 2_000_000_000}, format="json"
    )

    assert answer.status_code == 200
    assert api.get("/api/v1/posts/hello-world/").json()["comments_open"] is True
    assert api.get("/posts/hello-world/").status_code == 200
