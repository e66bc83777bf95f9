"""Read one Markdown file with front matter into post fields; no database access here.

Understands what Hugo, Jekyll, Eleventy and the WordPress exporters
(wordpress-export-to-markdown, jekyll-import) write: YAML between `---` lines (TOML between
`+++` lines too), dates as YAML dates or strings with or without a UTC offset, categories and
tags as a list or one string. Anything that makes a file unusable raises `Unreadable`.
"""

import email.utils
import math
import re
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml
from django.utils.text import slugify

MAX_FILE_BYTES = 5 * 1024 * 1024
SLUG_RE = re.compile(r"[-a-zA-Z0-9_]+")
JEKYLL_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})-(.+)")
SPACED_OFFSET = re.compile(r"\s+([+-]\d{2}):?(\d{2})$")  # Jekyll: "2011-12-05 12:15:00 -0500"
KNOWN_KEYS = frozenset(
    {
        "title",
        "slug",
        "date",
        "author",
        "categories",
        "category",
        "tags",
        "url",
        "comments",
        "draft",
        "published",
        "status",
        "comment_moderation",
    }
)
DRAFT_STATUSES = frozenset({"draft", "pending", "private", "trash"})
TRUE_WORDS = frozenset({"true", "yes", "on", "1", "open", "enabled"})
FALSE_WORDS = frozenset({"false", "no", "off", "0", "closed", "disabled"})
LIMITS = {"title": 300, "slug": 200, "author": 150, "url": 500, "term": 100}


class Unreadable(Exception):
    """The file cannot become a post; the message says why and what to do."""


@dataclass
class PostFile:
    """What one file says about its post: model field values, terms, and warnings."""

    slug: str
    fields: dict[str, Any]
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_post_file(path: Path, *, tz: tzinfo) -> PostFile:
    """Return the post that `path` describes; naive dates are taken to be in `tz`."""
    if path.stem.split(".")[0] == "_index":
        raise Unreadable("a Hugo section page (_index.md), not a post")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise Unreadable(f"larger than {MAX_FILE_BYTES // 1024 // 1024} MB; not a blog post")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unreadable(
            f"not UTF-8 text ({exc.reason} at byte {exc.start}); convert the file to UTF-8"
        ) from exc
    meta, body = split_front_matter(text.replace("\r\n", "\n"))
    return post_fields(meta, body=body, path=path, tz=tz)


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Return the front matter as a dict and the Markdown body after it."""
    lines = text.split("\n")
    fence = lines[0].rstrip()
    if fence not in ("---", "+++"):
        if fence.startswith("{"):
            raise Unreadable(
                "JSON front matter is not supported; write it as YAML between '---' lines"
            )
        raise Unreadable(
            "no front matter: a post starts with a '---' line, then 'title: …' "
            "and the other keys, then another '---' line"
        )
    closers = ("---", "...") if fence == "---" else ("+++",)
    end = next((i for i, line in enumerate(lines[1:], 1) if line.rstrip() in closers), None)
    if end is None:
        raise Unreadable(f"the front matter opened by '{fence}' on line 1 is never closed")
    raw = "\n".join(lines[1:end])
    meta = _load_toml(raw) if fence == "+++" else _load_yaml(raw)
    return meta, "\n".join(lines[end + 1 :]).lstrip("\n")


def _load_yaml(raw: str) -> dict[str, Any]:
    try:
        meta = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" on line {mark.line + 2}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise Unreadable(f"the front matter is not valid YAML{where}: {problem}") from exc
    except (ValueError, OverflowError) as exc:  # PyYAML builds dates such as 2024-13-45
        raise Unreadable(f"the front matter holds an impossible value ({exc}); fix it") from exc
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise Unreadable(
            f"the front matter must be 'key: value' lines, not a {type(meta).__name__}"
        )
    return {str(key): value for key, value in meta.items()}


def _load_toml(raw: str) -> dict[str, Any]:
    try:
        return tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise Unreadable(f"the '+++' front matter is not valid TOML: {exc}") from exc


def post_fields(meta: dict[str, Any], *, body: str, path: Path, tz: tzinfo) -> PostFile:
    """Map front-matter keys to post fields; unknown keys are kept in `extra`."""
    keys = {key.lower(): value for key, value in meta.items()}
    name, name_date = _name_from_path(path)
    warnings: list[str] = []
    title = _text(keys.get("title"))
    if not title:
        title = name.replace("-", " ").replace("_", " ").strip().capitalize() or path.stem
        warnings.append(f"no title; using '{title}' from the file name")
    slug = _slug(keys.get("slug"), name=name, title=title, warnings=warnings)
    fields: dict[str, Any] = {
        "title": _clip(title, "title", warnings),
        "author": _clip(_author(keys.get("author")), "author", warnings),
        "body": body,
        "url": _url(keys.get("url"), warnings),
        "is_draft": _is_draft(keys, warnings),
        "extra": {
            key: jsonable(value) for key, value in meta.items() if key.lower() not in KNOWN_KEYS
        },
    }
    if keys.get("date") not in (None, ""):
        fields["published_at"] = _date(keys["date"], path=path, tz=tz)
    elif name_date is not None:
        fields["published_at"] = _aware(name_date, tz)
    if "comments" in keys:
        enabled = _flag(keys["comments"])
        if enabled is None:
            warnings.append(f"comments: {keys['comments']!r} is not true/false; left as it was")
        else:
            fields["comments_enabled"] = enabled
    if "comment_moderation" in keys:
        mode = _text(keys["comment_moderation"]).lower()
        if mode in ("pre", "post"):
            fields["moderation_mode"] = mode
        else:
            warnings.append(f"comment_moderation: {mode!r} is not 'pre' or 'post'; ignored")
    categories = _terms(keys.get("categories", keys.get("category")), warnings)
    return PostFile(
        slug=slug,
        fields=fields,
        categories=categories,
        tags=_terms(keys.get("tags"), warnings),
        warnings=warnings,
    )


def _name_from_path(path: Path) -> tuple[str, datetime | None]:
    """Return the name a file gives its post (Hugo bundles: the folder) and a Jekyll date."""
    name = path.stem.split(".")[0]
    if name == "index":  # a Hugo page bundle: content/posts/NAME/index.md
        name = path.parent.name
    match = JEKYLL_NAME.fullmatch(name)
    if not match:
        return name, None
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return name, None
    return match[4], datetime.combine(day, time())


def _slug(value: Any, *, name: str, title: str, warnings: list[str]) -> str:
    given = _text(value)
    if given and SLUG_RE.fullmatch(given) and len(given) <= LIMITS["slug"]:
        return given
    if given:
        slug = slugify(unquote(given))[: LIMITS["slug"]].strip("-")
        if slug:
            warnings.append(f"slug '{given}' is not URL-safe; using '{slug}'")
            return slug
    slug = (slugify(name) or slugify(title))[: LIMITS["slug"]].strip("-")
    if not slug:
        raise Unreadable("no usable slug: add 'slug: some-words' (letters, digits, hyphens)")
    return slug


def _date(value: Any, *, path: Path, tz: tzinfo) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    elif isinstance(value, str) and value.strip():
        moment = _parse_date(value.strip(), path)
    else:
        raise Unreadable(
            f"date: {value!r} is not a date; write e.g. 2024-05-01 or 2024-05-01T09:30:00+02:00"
        )
    return _aware(moment, tz)


def _parse_date(text: str, path: Path) -> datetime:
    if text.lower() in ("last modified", "created", "git last modified", "git created"):
        return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)  # Eleventy's keywords
    try:
        return datetime.fromisoformat(SPACED_OFFSET.sub(r"\1:\2", text.replace("/", "-")))
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text)  # RSS / WordPress pubDate
    except (TypeError, ValueError):
        raise Unreadable(
            f"date: '{text}' is not a date this importer reads; write e.g. "
            "2024-05-01 or 2024-05-01T09:30:00+02:00"
        ) from None


def _aware(moment: datetime, tz: tzinfo) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=tz)
    return moment


def _is_draft(keys: dict[str, Any], warnings: list[str]) -> bool:
    if keys.get("draft") not in (None, ""):
        draft = _flag(keys["draft"])
        if draft is not None:
            return draft
        warnings.append(f"draft: {keys['draft']!r} is not true/false; imported as a draft")
        return True
    if "published" in keys and _flag(keys["published"]) is False:  # Jekyll
        return True
    return _text(keys.get("status")).lower() in DRAFT_STATUSES  # jekyll-import (WordPress)


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    word = _text(value).lower()
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None


def _author(value: Any) -> str:
    if isinstance(value, dict):  # jekyll-import: {login, email, display_name, ...}
        return _text(value.get("display_name") or value.get("name") or value.get("login"))
    if isinstance(value, list):
        return ", ".join(filter(None, (_author(item) for item in value)))
    return _text(value)


def _url(value: Any, warnings: list[str]) -> str:
    url = _text(value)
    if not url:
        return ""
    if not url.startswith(("http://", "https://", "/")) or len(url) > LIMITS["url"]:
        warnings.append(
            f"url '{url[:80]}' ignored: it must start with http(s):// or / and "
            f"be at most {LIMITS['url']} characters"
        )
        return ""
    return url


def _terms(value: Any, warnings: list[str]) -> list[str]:
    """Return category or tag names from a list, or from one string (commas separate)."""
    if value is None or value == "":
        return []
    items = value if isinstance(value, list) else str(value).split(",")
    names: dict[str, str] = {}
    for item in items:
        if isinstance(item, dict | list):
            warnings.append(f"ignored a category or tag that is not a name: {item!r}")
            continue
        name = _text(item)[: LIMITS["term"]].strip()
        key = term_slug(name)
        if key and key not in names:
            names[key] = name
    return list(names.values())


def term_slug(name: str) -> str:
    """Return the slug of a category or tag name (non-Latin names keep their letters)."""
    return (slugify(name) or slugify(name, allow_unicode=True))[: LIMITS["term"]]


def _clip(text: str, name: str, warnings: list[str]) -> str:
    if len(text) <= LIMITS[name]:
        return text
    warnings.append(f"{name} cut to {LIMITS[name]} characters")
    return text[: LIMITS[name]]


def _text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def jsonable(value: Any) -> Any:
    """Return `value` with dates, sets and other YAML/TOML types made JSON-friendly."""
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(item) for item in value]
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON (and PostgreSQL's jsonb) has no NaN or infinity
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
