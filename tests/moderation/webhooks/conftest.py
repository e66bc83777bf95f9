"""Fixtures for webhook tests: a loopback receiver, and settings that allow sending to it."""

from collections.abc import Iterator

import pytest

from tests.receiver import Receiver, webhook_receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as running:
        yield running


@pytest.fixture
def allow_private(settings: object) -> None:
    """Let deliveries reach the loopback receiver, with retries that are due at once."""
    settings.MODERATION = {  # type: ignore[attr-defined]
        **settings.MODERATION,  # type: ignore[attr-defined]
        "WEBHOOKS_ALLOW_PRIVATE": True,
        "WEBHOOKS_RETRY_SCHEDULE": [0, 0],
    }


@pytest.fixture
def refuse_private(settings: object) -> None:
    settings.MODERATION = {  # type: ignore[attr-defined]
        **settings.MODERATION,  # type: ignore[attr-defined]
        "WEBHOOKS_ALLOW_PRIVATE": False,
    }
