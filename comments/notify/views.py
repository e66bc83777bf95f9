"""Pages behind readers' mail links. Opening a link changes nothing; the page's POST does.

Unsubscribe also takes the mail program's one-click POST (RFC 8058) with no page at all.
Both are CSRF-exempt: the signed token in the address is the only credential, and no
cookie or login is involved that a forged request could borrow.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from comments.conf import comments_setting
from comments.notify.services import (
    ReaderLinkError,
    address_confirm,
    address_unsubscribe,
    reader_link_read,
)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Confirm a reader's address (by the page's button)."""
    try:
        address, _ = reader_link_read(token, "confirm")
    except ReaderLinkError as error:
        return _page(request, "This link cannot be used", str(error), status=410)
    if request.method == "POST":
        address_confirm(address=address)
        return _page(request, "Address confirmed", "You will now get the mail you asked for.")
    return _page(
        request,
        "Confirm your address",
        "Confirm that you want mail about replies to your comments at this address.",
        button="Confirm",
    )


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Leave a thread or the whole site (the page's button, or a one-click POST)."""
    try:
        address, post_id = reader_link_read(token, "unsubscribe")
    except ReaderLinkError as error:
        return _page(request, "This link cannot be used", str(error), status=410)
    scope = "this thread" if post_id is not None else comments_setting("SITE_NAME")
    if request.method == "POST":
        address_unsubscribe(address=address, post_id=post_id)
        return _page(request, "Unsubscribed", f"You will get no more mail from {scope}.")
    return _page(
        request, "Unsubscribe?", f"Stop all mail from {scope} to this address.", "Unsubscribe"
    )


def _page(
    request: HttpRequest, title: str, message: str, button: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "title": title,
        "message": message,
        "button": button,
        "site_name": comments_setting("SITE_NAME"),
    }
    response = render(request, "notify/page.html", context, status=status)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
