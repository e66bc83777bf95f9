"""`manage.py check --deploy` with production settings finds nothing to warn about."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_deploy_check(**env: str) -> subprocess.CompletedProcess[str]:
    production = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "COMMENTS_"))
    }
    production.update(
        DJANGO_SETTINGS_MODULE="blog.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="comments.example",
    )
    production.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    """With a strong secret, DEBUG off and real hosts, the deploy checks report no issue."""
    result = run_deploy_check()
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "ERRORS" not in output
    assert "System check identified no issues" in output


def test_check_deploy_flags_a_weak_secret_key():
    """The same check does fail when the operator leaves a short, guessable secret key."""
    result = run_deploy_check(DJANGO_SECRET_KEY="changeme")
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr
