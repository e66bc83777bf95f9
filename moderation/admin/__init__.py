"""The moderators' admin: the queue, clusters, bans, and the operator's lists."""

from moderation.admin import bans, clusters, lists, queue

__all__ = ["bans", "clusters", "lists", "queue"]
