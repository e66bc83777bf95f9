"""The OpenAPI schema, generated from the code, matches the contract in API.md."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.contract import POST_FIELDS, PRIVATE_FIELDS, PUBLIC_COMMENT_FIELDS

pytestmark = pytest.mark.django_db

# API.md: every path and method it promises.
CONTRACT = {
    "/api/v1/posts/": {"get", "post"},
    "/api/v1/posts/{slug}/": {"get", "patch"},
    "/api/v1/posts/{slug}/comments/": {"get", "post"},
    "/api/v1/comments/{id}/": {"get", "patch", "delete"},
    "/api/v1/counts/": {"get"},
    "/api/v1/moderation/comments/": {"get"},
    "/api/v1/moderation/comments/{id}/": {"get"},
    "/api/v1/moderation/comments/{id}/{action}/": {"post"},
    "/api/v1/moderation/comments/bulk/": {"post"},
}


@pytest.fixture(scope="module")
def schema(django_db_blocker: Any) -> dict[str, Any]:
    """The schema as the running service serves it at /api/v1/schema/."""
    with django_db_blocker.unblock():
        answer = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert answer.status_code == 200
    return answer.json()  # type: ignore[no-any-return]


def properties(schema: dict[str, Any], name: str) -> set[str]:
    return set(schema["components"]["schemas"][name]["properties"])


def response_schema(schema: dict[str, Any], path: str, method: str, code: str) -> str:
    ref = schema["paths"][path][method]["responses"][code]["content"]["application/json"]
    return str(ref["schema"].get("$ref", ref["schema"])).rsplit("/", 1)[-1]


def test_every_contract_path_and_method_is_documented(schema: dict[str, Any]) -> None:
    """Each path and method of API.md is in the schema."""
    for path, methods in CONTRACT.items():
        assert path in schema["paths"], path
        assert methods <= set(schema["paths"][path]), (path, set(schema["paths"][path]))


def test_public_comment_fields_match_the_contract(schema: dict[str, Any]) -> None:
    """A thread item has exactly the contract's fields, and nothing private."""
    assert properties(schema, "PublicComment") == PUBLIC_COMMENT_FIELDS
    page = schema["paths"]["/api/v1/posts/{slug}/comments/"]["get"]
    params = {p["name"] for p in page["parameters"]}
    assert {"cursor", "page_size"} <= params


def test_submit_is_documented_as_the_contract_says(schema: dict[str, Any]) -> None:
    """Submit takes the contract's fields and answers 201 with id, status, edit token."""
    post = schema["paths"]["/api/v1/posts/{slug}/comments/"]["post"]
    body = post["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/")[-1]
    fields = schema["components"]["schemas"][body]
    assert {"author_name", "author_email", "body"} <= set(fields["required"])
    assert {"author_url", "parent"} <= set(fields["properties"])
    submitted = response_schema(schema, "/api/v1/posts/{slug}/comments/", "post", "201")
    assert {"id", "status", "body_html", "edit_token", "edit_expires_at"} <= properties(
        schema, submitted
    )
    assert "Location" in post["responses"]["201"]["headers"]
    assert {"400", "403", "404", "413", "429"} <= set(post["responses"])
    assert "Retry-After" in post["responses"]["429"]["headers"]
    assert "Idempotency-Key" in {p["name"] for p in post["parameters"]}


def test_post_fields_match_the_contract(schema: dict[str, Any]) -> None:
    """A post has slug, title, url, published_at, comments_enabled, comments_open, count."""
    name = response_schema(schema, "/api/v1/posts/{slug}/", "get", "200")
    assert properties(schema, name) == POST_FIELDS


def test_moderation_detail_has_everything(schema: dict[str, Any]) -> None:
    """The moderator's view has the public fields plus status, private data, score, history."""
    name = response_schema(schema, "/api/v1/moderation/comments/{id}/", "get", "200")
    assert PUBLIC_COMMENT_FIELDS | PRIVATE_FIELDS | {
        "status",
        "scored_at",
        "moderated_by",
        "moderated_at",
        "history",
    } <= properties(schema, name)
    for path, methods in CONTRACT.items():
        if "/moderation/" in path:
            for method in methods:
                assert {"401", "403"} <= set(schema["paths"][path][method]["responses"])


def test_no_public_schema_exposes_private_fields(schema: dict[str, Any]) -> None:
    """Only the moderation schemas carry e-mail, IP, user agent or score."""
    public = ["PublicComment", "OwnComment", "SubmittedComment"]
    for name in public:
        assert not properties(schema, name) & PRIVATE_FIELDS, name


def test_error_answers_are_documented(schema: dict[str, Any]) -> None:
    """Reads document 404; writes document 400, 403, 413 and 429."""
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert "404" in codes, (method, path)
            if method in {"post", "put", "patch"}:
                assert {"400", "403", "413", "429"} <= codes, (method, path)


def test_unknown_api_urls_answer_json_404(db: None) -> None:
    """A URL under /api/ that matches nothing is a JSON 404, as the schema documents."""
    answer = APIClient().get("/api/v1/comments/not-a-number/")
    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/json"
    assert answer.json() == {"detail": "Not found."}
