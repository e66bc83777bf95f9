"""The embedded broker: kombu's filesystem transport, with messages that appear whole.

kombu writes a message by creating its file in the queue folder and then writing into it.
A worker polling the folder can take the file in between, read it empty and stop with
"Unrecoverable error: JSONDecodeError", the message lost with it (the sweep queues the
comment again, but the worker is gone). Here a message is written under a name the
reader skips and renamed into place once complete: a rename within one folder is atomic,
so a reader finds a whole message or none.
"""

import os
import uuid
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

# The reader takes "<time>_<uuid>.<queue>.msg" files only; this suffix hides a partial one.
PARTIAL = ".part"


class Channel(filesystem.Channel):  # type: ignore[misc]
    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """Put `payload` onto `queue`: written aside, then renamed into the queue's folder."""
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        try:
            with open(final + PARTIAL, "wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))
            os.replace(final + PARTIAL, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):  # type: ignore[misc]
    Channel = Channel
