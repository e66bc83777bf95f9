"""The embedded mail backend: one readable `.eml` file per message, never dropped."""

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from uuid import uuid4

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

logger = logging.getLogger(__name__)


class EmlFileBackend(BaseEmailBackend):
    """Write each message to EMAIL_FILE_PATH as `<time>-<random>.eml` (opens in any mail app).

    Django's own file backend appends every message of a connection to one `.log` file;
    one file per message is what a person looking for "the mail that was sent" wants.
    """

    def __init__(self, *, file_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.folder = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            path = self.folder / f"{stamp}-{uuid4().hex[:8]}.eml"
            path.write_bytes(message.message().as_bytes())
            logger.info("mail saved to %s: %s", path, message.subject)
        return len(email_messages)
