"""Property-based tests from the OpenAPI schema (schemathesis CLI) against the live server.

Every operation gets up to 15 generated requests per phase (SCHEMATHESIS_MAX_EXAMPLES),
plus the coverage phase's boundary cases, valid and invalid, sent as a
moderator (so the moderation operations run their real code). No answer may be a 5xx,
and every answer must match the schema: documented status code, content type, headers
and body. The same command runs in CI by hand: see `schemathesis_command`.
"""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rest_framework.authtoken.models import Token

from tests.factories import CommentFactory, ModeratorFactory, PostFactory

pytestmark = pytest.mark.django_db(transaction=True)

CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_headers_conformance,response_schema_conformance"
)
REPORTS = Path(__file__).resolve().parents[2] / "artifacts" / "schemathesis"


def schemathesis_command(base_url: str, token: str) -> list[str]:
    """The CLI run: bounded examples, a fixed seed unless SCHEMATHESIS_SEED says otherwise."""
    return [
        str(Path(sys.executable).parent / "schemathesis"),
        "run",
        f"{base_url}/api/v1/schema/",
        "--header",
        f"Authorization: Token {token}",
        "--checks",
        CHECKS,
        "--max-examples",
        os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "15"),
        "--phases",
        "examples,coverage,fuzzing",
        "--mode",
        "all",
        "--workers",
        "1",
        "--seed",
        os.environ.get("SCHEMATHESIS_SEED", "20261127"),
        "--no-color",
        "--report",
        "junit",
        "--report-dir",
        str(REPORTS),
    ]


def test_api_keeps_its_contract_under_generated_requests(live_server: Any) -> None:
    """Generated requests never get a 5xx and every answer matches the schema."""
    post = PostFactory(slug="hello-world")
    first = CommentFactory(post=post, author_url="https://ada.example/")
    CommentFactory(post=post, parent=first)
    token, _ = Token.objects.get_or_create(user=ModeratorFactory())
    run = subprocess.run(
        schemathesis_command(live_server.url, token.key),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]
    assert " passed" in run.stdout
