"""Identicons: a symmetric 5x5 pattern drawn from a keyed hash, so no e-mail is revealed."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control

SIZE = 5
CELL = 8


def identicon_svg(digest: str) -> str:
    """Return an SVG identicon for a hex digest (at least 16 hex digits)."""
    bits = int(digest[:16], 16)
    hue = int(digest[16:19] or "0", 16) % 360
    cells = []
    for row in range(SIZE):
        for col in range((SIZE + 1) // 2):
            if bits >> (row * 3 + col) & 1:
                for x in {col, SIZE - 1 - col}:
                    cells.append(
                        f'<rect x="{x * CELL}" y="{row * CELL}" width="{CELL}" height="{CELL}"/>'
                    )
    side = SIZE * CELL
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-4 -4 {side + 8} {side + 8}" '
        f'width="48" height="48"><rect x="-4" y="-4" width="{side + 8}" height="{side + 8}" '
        f'fill="hsl({hue},40%,92%)"/><g fill="hsl({hue},55%,45%)">{"".join(cells)}</g></svg>'
    )


@cache_control(public=True, max_age=86400 * 30, immutable=True)
def avatar(request: HttpRequest, digest: str) -> HttpResponse:
    response = HttpResponse(identicon_svg(digest), content_type="image/svg+xml")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
