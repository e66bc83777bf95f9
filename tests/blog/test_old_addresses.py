"""A post's old address (front matter `url`): a 301 to its page, and `?url=` in the API."""

import pytest

from blog.models import old_address_key
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

OLD = "/2007/04/05/open-source-virtualization-thoughts/"


@pytest.fixture
def old_post(db):
    return PostFactory(slug="virtualization", url=OLD)


@pytest.mark.parametrize(
    ("url", "key"),
    [
        (OLD, "/2007/04/05/open-source-virtualization-thoughts"),
        (OLD.rstrip("/"), "/2007/04/05/open-source-virtualization-thoughts"),
        (
            "https://old.example" + OLD + "?p=12#c3",
            "/2007/04/05/open-source-virtualization-thoughts",
        ),
        ("/2007/04/05/caf%C3%A9/", "/2007/04/05/café"),
        ("/", ""),
        ("", ""),
        ("/a\x00b/", ""),
        ("http://[::1", ""),
    ],
)
def test_every_spelling_of_an_address_gives_one_key(url, key):
    """With or without the slash, as a full URL or percent-encoded: one look-up key."""
    assert old_address_key(url) == key


@pytest.mark.parametrize("path", [OLD, OLD.rstrip("/")])
def test_the_old_address_answers_301_to_the_post_page(client, old_post, path):
    """Links to the old site's address land on the post page, with or without the slash."""
    response = client.get(path)

    assert response.status_code == 301
    assert response["Location"] == "/posts/virtualization/"


def test_the_redirect_keeps_the_query_string(client, old_post):
    """Tracking parameters on an old link survive the redirect."""
    assert client.get(OLD + "?utm_source=x")["Location"] == "/posts/virtualization/?utm_source=x"


def test_real_routes_are_never_shadowed_by_an_old_address(client, api):
    """A post whose old address is a real page, or the API, does not take it over."""
    PostFactory(slug="home", url="/")
    PostFactory(slug="other", url="/posts/hello/")
    PostFactory(slug="hello")
    PostFactory(slug="api", url="/api/v1/nothing/")

    assert client.get("/posts/hello/").status_code == 200
    assert client.get("/").status_code == 200
    assert api.get("/api/v1/nothing/").status_code == 404


def test_drafts_and_unknown_old_addresses_stay_404(client):
    """An address nobody had, or a draft's, is an ordinary 404."""
    PostFactory(slug="draft", url="/2001/01/01/draft/", is_draft=True)

    assert client.get("/2001/01/01/draft/").status_code == 404
    assert client.get("/2001/01/01/nothing/").status_code == 404
    assert client.post(OLD).status_code in (403, 404, 405)


@pytest.mark.parametrize("url", [OLD, OLD.rstrip("/"), "https://old.example" + OLD])
def test_the_api_finds_a_post_by_its_old_address(api, old_post, url):
    """`GET /api/v1/posts/?url=` lists exactly the post with that old address."""
    PostFactory(slug="another", url="/2007/04/06/another/")

    body = api.get("/api/v1/posts/", {"url": url}).json()

    assert [post["slug"] for post in body["results"]] == ["virtualization"]


@pytest.mark.parametrize("url", ["/2007/04/05/nothing/", "", "/", "%00", "http://[::1"])
def test_an_unknown_old_address_is_an_empty_list(api, old_post, url):
    """No post at that address (or no address at all): 200 with an empty list."""
    response = api.get("/api/v1/posts/", {"url": url})

    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response.json()["results"] == []
