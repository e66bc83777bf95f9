"""`GET /healthz`: database and broker reachability for load balancers, never redirected."""

import os
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.faults.processes import free_port, start_web
from tests.workers import ROOT


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections and never answers: a hung broker."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


@pytest.mark.django_db
def test_healthz_answers_ok_when_database_and_broker_are_reachable(client):
    """With the run's own database and broker up, the probe answers 200 and both "ok"."""
    answer = client.get("/healthz")

    assert answer.status_code == 200
    assert answer.json() == {"database": "ok", "broker": "ok"}
    assert "no-cache" in answer.headers["Cache-Control"]


@pytest.mark.django_db
def test_healthz_names_a_broker_nobody_listens_on(client, settings):
    """A broker address with nothing behind it gives 503 with the broker named as down."""
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"

    answer = client.get("/healthz")

    assert answer.status_code == 503
    assert answer.json() == {"database": "ok", "broker": "down"}


@pytest.mark.django_db
@pytest.mark.parametrize("scheme", ["redis://127.0.0.1:{}/0", "amqp://guest:guest@127.0.0.1:{}//"])
def test_healthz_gives_up_on_a_broker_that_never_answers(client, settings, silent_port, scheme):
    """A broker that accepts but never speaks is reported down instead of hanging the probe."""
    settings.CELERY_BROKER_URL = scheme.format(silent_port)

    answer = client.get("/healthz")

    assert answer.status_code == 503
    assert answer.json()["broker"] == "down"


@pytest.mark.django_db
def test_healthz_is_not_redirected_to_https(client, settings):
    """With the HTTPS redirect on, plain-HTTP probes of /healthz still get the report."""
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/api/v1/posts/").status_code == 301
    assert client.get("/healthz").status_code == 200


@pytest.mark.integration
def test_healthz_names_a_database_that_is_down(tmp_path):
    """A web process whose database refuses connections answers 503 naming the database."""
    closed = free_port()
    web = start_web(
        tmp_path,
        env={"DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed}/gone"},
        workers=1,
    )
    try:
        answer = web.request("GET", "/healthz", timeout=30)
    finally:
        web.child.stop()

    assert answer.status == 503
    assert answer.json()["database"] == "down"


@pytest.mark.parametrize(("value", "redirects"), [(None, True), ("1", True), ("0", False)])
def test_https_redirect_follows_django_secure_ssl_redirect(value, redirects):
    """Production settings redirect to https unless DJANGO_SECURE_SSL_REDIRECT=0 says not to."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_SECRET_KEY="x" * 50, DJANGO_DEBUG="0")
    if value is not None:
        env["DJANGO_SECURE_SSL_REDIRECT"] = value
    code = "import blog.settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_REDIRECT_EXEMPT)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )

    assert result.stdout.split()[0] == str(redirects)
    assert "healthz" in result.stdout
