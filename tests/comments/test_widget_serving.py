"""How the server hands out the widget: caching headers, size budget, and CORS for its origins."""

import gzip
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "comments" / "static" / "comments"
BLOG = "https://blog.example"
# What a reader's browser fetches before touching the widget: the script (with the English
# strings) and the thread's stylesheet. editor.js and editor.css come on first use.
UP_FRONT = ("embed.js", "embed.css")
LAZY = ("editor.js", "editor.css")
UP_FRONT_BUDGET = 10 * 1024


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


def gzipped(name: str) -> int:
    """Return the size of a widget file gzipped at level 9, as collectstatic's .gz copies."""
    return len(gzip.compress((STATIC / name).read_bytes(), compresslevel=9))


def test_what_the_widget_loads_before_interaction_stays_within_10_kb_gzipped():
    """embed.js plus embed.css, all a reader fetches before touching the widget, fit in 10 KB."""
    size = sum(gzipped(name) for name in UP_FRONT)
    assert size <= UP_FRONT_BUDGET, f"{size} bytes gzipped up front; budget {UP_FRONT_BUDGET}"


def test_embed_js_names_the_editor_files_it_loads_on_first_use():
    """The chunks embed.js asks for exist next to it, under the names it asks for."""
    script = (STATIC / "embed.js").read_text()
    for name in LAZY:
        assert (STATIC / name).is_file()
        assert f'"{name}?v=" + VERSION' in script


@pytest.mark.parametrize("name", ["editor.js?v=2", "editor.css?v=2"])
def test_editor_files_are_served_whatever_version_query_they_carry(client, name):
    """The ?v= that keeps a cached embed.js with its own editor does not stop them being served."""
    response = client.get(f"/static/comments/{name}")
    assert response.status_code == 200
    assert "max-age=3600" in response["Cache-Control"]


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


@pytest.mark.parametrize("name", ["embed.js", "embed.css", "editor.js", "editor.css", "i18n/fr.js"])
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
