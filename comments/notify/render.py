"""Render a mail's plain-text and HTML parts from templates, with the site's name and address."""

from typing import Any

from django.template.loader import render_to_string

from comments.conf import comments_setting


def site_url(path: str = "") -> str:
    """Return the absolute public address of `path` on this site (links in mail)."""
    return str(comments_setting("SITE_URL")).rstrip("/") + path


def mail_parts(template: str, context: dict[str, Any]) -> tuple[str, str]:
    """Return (text, html) of `notify/<template>.txt` and `.html` (no images, no tracking)."""
    context = {"site_name": comments_setting("SITE_NAME"), "site_url": site_url(), **context}
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    return text, html
