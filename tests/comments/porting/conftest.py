"""Running import_comments as a user does, and reading its --json report."""

import json
from collections import Counter
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from comments.models import Comment

FIXTURES = Path(__file__).parent / "fixtures"


def run_import(path: Path, *args: str) -> dict[str, Any]:
    """Run `import_comments PATH ARGS --json` and return its last line, parsed."""
    out = StringIO()
    call_command("import_comments", str(path), *args, "--json", stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])  # type: ignore[no-any-return]


def db_counts(field: str) -> dict[str, int]:
    return dict(Counter(Comment.objects.values_list(field, flat=True)))


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
