"""How the server hands out the widget: caching headers, size budget, and CORS for its origins."""

import gzip
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "comments" / "static" / "comments"
BLOG = "https://blog.example"
GZIP_BUDGET = 25 * 1024


@pytest.fixture
def allowed_blog(settings: object) -> None:
    settings.COMMENTS = {**settings.COMMENTS, "ALLOWED_ORIGINS": [BLOG]}  # type: ignore[attr-defined]


def test_embed_script_is_served_with_caching_headers(client):
    """embed.js comes with a max-age, so blog readers' browsers don't fetch it on every page."""
    response = client.get("/static/comments/embed.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "max-age=3600" in response["Cache-Control"]
    assert response.has_header("Last-Modified") or response.has_header("ETag")


def test_widget_script_and_styles_stay_under_25_kb_gzipped():
    """embed.js plus embed.css stay under the 25 KB (gzipped) budget the issue set."""
    size = sum(
        len(gzip.compress((STATIC / name).read_bytes())) for name in ("embed.js", "embed.css")
    )
    assert size < GZIP_BUDGET, f"widget is {size} bytes gzipped; the budget is {GZIP_BUDGET}"


@pytest.mark.django_db
def test_allowed_origin_may_read_the_api(client, allowed_blog, post):
    """An origin in COMMENTS_ALLOWED_ORIGINS gets Access-Control-Allow-Origin back."""
    response = client.get("/api/v1/posts/hello-world/comments/", headers={"Origin": BLOG})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == BLOG
    assert "Retry-After" in response["Access-Control-Expose-Headers"]


@pytest.mark.django_db
def test_unknown_origin_is_refused_by_cors(client, allowed_blog, post):
    """Any other origin gets no Access-Control-Allow-Origin, so browsers keep the answer from it."""
    response = client.get(
        "/api/v1/posts/hello-world/comments/", headers={"Origin": "https://evil.example"}
    )
    assert not response.has_header("Access-Control-Allow-Origin")
    response = client.get("/api/v1/counts/?post=hello-world", headers={"Origin": "null"})
    assert not response.has_header("Access-Control-Allow-Origin")


@pytest.mark.django_db
def test_preflight_allows_the_widgets_edit_and_delete(client, allowed_blog):
    """The preflight for an edit lets the widget send PATCH/DELETE with X-Edit-Token."""
    response = client.options(
        "/api/v1/comments/1/",
        headers={
            "Origin": BLOG,
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "content-type, x-edit-token",
        },
    )
    assert response["Access-Control-Allow-Origin"] == BLOG
    assert {"PATCH", "DELETE"} <= set(response["Access-Control-Allow-Methods"].split(", "))
    assert "x-edit-token" in response["Access-Control-Allow-Headers"]
    assert not response.has_header("Access-Control-Allow-Credentials")


@pytest.mark.parametrize("name", ["embed.js", "embed.css", "i18n/fr.js"])
def test_widget_files_may_be_used_by_pages_on_other_origins(client, name):
    """No header keeps another site's page from loading the widget's script and styles."""
    response = client.get(f"/static/comments/{name}", headers={"Origin": BLOG})
    assert response.status_code == 200
    assert response.get("Cross-Origin-Resource-Policy", "cross-origin") == "cross-origin"
    assert response.get("Access-Control-Allow-Origin") in {"*", BLOG}


@pytest.mark.django_db
def test_allowed_origins_are_read_from_comments_settings_at_request_time(client, settings, post):
    """CORS follows COMMENTS["ALLOWED_ORIGINS"] as it is now, its one source, not a copy."""
    url = "/api/v1/posts/hello-world/comments/"
    settings.COMMENTS = {**settings.COMMENTS, "ALLOWED_ORIGINS": [BLOG + "/"]}
    assert client.get(url, headers={"Origin": BLOG})["Access-Control-Allow-Origin"] == BLOG

    settings.COMMENTS = {k: v for k, v in settings.COMMENTS.items() if k != "ALLOWED_ORIGINS"}
    assert not client.get(url, headers={"Origin": BLOG}).has_header("Access-Control-Allow-Origin")
    assert getattr(settings, "CORS_ALLOWED_ORIGINS", []) == []
