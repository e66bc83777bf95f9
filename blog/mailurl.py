"""Read the `EMAIL_URL` environment variable into Django's e-mail settings (pure: no Django).

One URL says where mail goes:

- `smtp://user:pass@host:587?tls=1`  SMTP, STARTTLS when `tls=1` (port 25 by default)
- `smtps://user:pass@host:465`       SMTP over TLS from the first byte (port 465 by default)
- `console:`                         printed on the worker's console
- `file:///path/to/dir`              one readable `.eml` file per message in that folder
- unset or empty                     `.eml` files under the var folder (`var/mail/`)

User and password may be percent-encoded (`%40` for `@`). `timeout=SECONDS` bounds every
SMTP call (default 10): a mail server that stops answering must not hold a worker forever.
"""

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
EML_BACKEND = "comments.notify.backends.EmlFileBackend"
TRUE = {"1", "true", "yes", "on"}


class EmailUrlError(ValueError):
    """EMAIL_URL cannot be understood; the message says what to write instead."""


def email_settings(url: str, *, default_dir: Path) -> dict[str, Any]:
    """Return the Django EMAIL_* settings that `url` describes."""
    url = url.strip()
    if not url:
        return {"EMAIL_BACKEND": EML_BACKEND, "EMAIL_FILE_PATH": str(default_dir)}
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": CONSOLE_BACKEND}
    if parts.scheme == "file":
        folder = unquote(parts.path)
        if not folder or folder == "/":
            raise EmailUrlError(f"EMAIL_URL {url!r}: give a folder, e.g. file:///var/mail/tk")
        return {"EMAIL_BACKEND": EML_BACKEND, "EMAIL_FILE_PATH": folder}
    if parts.scheme in {"smtp", "smtps"}:
        return _smtp(url, parts.scheme == "smtps")
    raise EmailUrlError(
        f"EMAIL_URL {_hide_password(url)!r}: unknown scheme {parts.scheme!r}; use smtp://, "
        "smtps://, console: or file:///folder"
    )


def _smtp(url: str, ssl: bool) -> dict[str, Any]:
    parts = urlsplit(url)
    if not parts.hostname:
        raise EmailUrlError(f"EMAIL_URL {_hide_password(url)!r}: name the mail server's host")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    try:
        port = parts.port or (465 if ssl else 25)
        timeout = float(query.get("timeout", "10"))
    except ValueError as error:
        raise EmailUrlError(f"EMAIL_URL {_hide_password(url)!r}: {error}") from error
    tls = query.get("tls", "").lower() in TRUE or query.get("starttls", "").lower() in TRUE
    return {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": ssl or query.get("ssl", "").lower() in TRUE,
        "EMAIL_USE_TLS": tls and not ssl,
        "EMAIL_TIMEOUT": timeout,
    }


def _hide_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)
