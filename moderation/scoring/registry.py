"""The signals a site runs, in order: `MODERATION["SIGNALS"]` lists their dotted paths."""

from collections.abc import Sequence
from functools import cache

from django.utils.module_loading import import_string

from moderation.conf import moderation_setting
from moderation.scoring import Signal


def active_signals() -> Sequence[Signal]:
    """Return the configured signal functions (imported once per list of paths)."""
    return _load(tuple(moderation_setting("SIGNALS")))


@cache
def _load(paths: tuple[str, ...]) -> tuple[Signal, ...]:
    return tuple(import_string(path) for path in paths)
