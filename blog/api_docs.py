"""The API reference pages: Swagger UI and ReDoc over `/api/v1/schema/`, served locally.

Their files come from drf-spectacular's sidecar (our own static files: no CDN, nothing
from the internet). Swagger UI loads its start-up script as a file and runs under the
site's strict Content-Security-Policy. ReDoc draws with styled-components (inline
<style>) and searches in a worker started from a blob: URL: its page alone gets exactly
those two relaxations.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

from blog.middleware import CSP

REDOC_CSP = (
    CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    + "; worker-src 'self' blob:"
)


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI: browse the API and try it with a token."""

    template_name = "blog/api_docs/swagger_ui.html"


class RedocView(SpectacularRedocView):
    """ReDoc: the same reference as one readable page."""

    template_name = "blog/api_docs/redoc.html"

    @extend_schema(exclude=True)  # a page about the API, not part of it
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = super().get(request, *args, **kwargs)  # type: ignore[no-untyped-call]
        response["Content-Security-Policy"] = REDOC_CSP
        return response
