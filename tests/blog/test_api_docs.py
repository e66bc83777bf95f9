"""The API reference pages are served from local files, the CSP relaxed for ReDoc only."""

import re

import pytest

from blog.middleware import CSP

pytestmark = pytest.mark.django_db


def assets(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_reference_pages_load_only_local_files(client, path):
    """Every script, style and icon of the page comes from this server; each one answers."""
    answer = client.get(path)

    assert answer.status_code == 200
    html = answer.content.decode()
    files = assets(html)
    assert files
    assert all(url.startswith("/") and not url.startswith("//") for url in files), files
    for url in files:
        assert client.get(url).status_code == 200, url


def test_swagger_ui_keeps_the_site_csp_and_loads_its_script_as_a_file(client):
    """Swagger UI runs under the strict policy: its start-up script is a file, not inline."""
    answer = client.get("/api/v1/docs/")

    assert answer["Content-Security-Policy"] == CSP
    assert "<script>" not in answer.content.decode()
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def test_only_redoc_gets_inline_styles_and_a_blob_worker(client):
    """ReDoc's page alone allows inline styles and a blob: worker; scripts stay 'self'."""
    redoc = client.get("/api/v1/redoc/")["Content-Security-Policy"]

    assert "style-src 'self' 'unsafe-inline'" in redoc
    assert "worker-src 'self' blob:" in redoc
    assert "script-src 'self';" in redoc
    assert "unsafe-inline" not in client.get("/api/v1/schema/")["Content-Security-Policy"]
