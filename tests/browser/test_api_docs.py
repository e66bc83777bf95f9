"""The API reference pages render in a real browser under their CSP, from local files only."""

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REDOC_BADGE = "https://cdn.redoc.ly/redoc/logo-mini.svg"
VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def open_docs(browser: Any, url: str) -> tuple[Any, list[str]]:
    """Open `url`; return the page and every request that left the live server."""
    page = browser.new_page()
    page.add_init_script(VIOLATIONS)
    origin = url.split("/api/", 1)[0]
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda request: (
            elsewhere.append(request.url)
            if not request.url.startswith((origin, "data:", "blob:"))
            else None
        ),
    )
    page.goto(url)
    return page, elsewhere


def test_swagger_ui_shows_the_api_under_the_site_csp(browser, live_server):
    """/api/v1/docs/ lists the endpoints under the strict CSP, fetching nothing elsewhere."""
    from playwright.sync_api import expect

    page, elsewhere = open_docs(browser, f"{live_server.url}/api/v1/docs/")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Threadkeeper")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    assert "/api/v1/posts/{slug}/comments/" in page.content()
    assert page.evaluate("window.__violations") == []
    assert elsewhere == []
    page.close()


def test_redoc_shows_the_api_without_fetching_anything_elsewhere(browser, live_server):
    """/api/v1/redoc/ renders the same reference from local files only."""
    from playwright.sync_api import expect

    page, elsewhere = open_docs(browser, f"{live_server.url}/api/v1/redoc/")

    expect(page.locator("h1").first).to_contain_text("Threadkeeper")
    expect(page.get_by_text("/api/v1/posts/{slug}/comments/").first).to_be_attached()
    # ReDoc's "API docs by Redocly" badge points at its CDN: the CSP blocks it, nothing else.
    assert set(page.evaluate("window.__violations")) <= {f"img-src {REDOC_BADGE}"}
    assert set(elsewhere) <= {REDOC_BADGE}
    page.close()
