"""The moderators' admin: the queue, bans, and the operator's lists."""

from moderation.admin import bans, lists, queue

__all__ = ["bans", "lists", "queue"]
