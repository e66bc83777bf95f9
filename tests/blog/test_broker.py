"""The embedded broker never shows a worker a message that is still being written."""

import threading
from pathlib import Path

import pytest
from kombu import Connection
from kombu.transport import filesystem

from blog import broker
from blog.celery import app

BIG = "x" * 40_000_000  # long enough to write that a reader polls many times meanwhile


def channel(transport: type, folder: Path) -> filesystem.Channel:
    options = {"data_folder_in": str(folder), "data_folder_out": str(folder)}
    return Connection(transport=transport, transport_options=options).default_channel


def sizes_seen_while_writing(transport: type, folder: Path) -> list[int]:
    """Put one big message, and record the size of every queue file a reader could take."""
    seen: list[int] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.extend(p.stat().st_size for p in folder.glob("*.celery.msg") if p.exists())

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        channel(transport, folder)._put("celery", {"body": BIG})
    finally:
        done.set()
        watcher.join()
    return seen


def test_a_message_appears_in_the_queue_whole(tmp_path):
    """kombu's own transport fails this: its reader can take a file not yet written."""
    seen = sizes_seen_while_writing(broker.Transport, tmp_path)
    whole = next(tmp_path.glob("*.celery.msg")).stat().st_size
    assert set(seen) <= {whole}
    assert not list(tmp_path.glob(f"*{broker.PARTIAL}"))


def test_the_embedded_settings_use_it(settings):
    if not settings.CELERY_BROKER_URL.startswith("filesystem://"):
        pytest.skip("the suite runs on another broker")
    with app.connection_for_write() as connection:
        assert isinstance(connection.transport, broker.Transport)


def test_a_message_is_read_back_as_it_was_put(tmp_path):
    put = channel(broker.Transport, tmp_path)
    put._put("celery", {"task": "moderation.score_comment", "body": "ünï"})
    assert put._get("celery") == {"task": "moderation.score_comment", "body": "ünï"}
