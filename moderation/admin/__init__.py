"""The moderators' admin: the queue, clusters, bans, and the operator's lists."""

from moderation import import_admin  # registers the import page
from moderation.admin import bans, clusters, lists, queue

__all__ = ["bans", "clusters", "import_admin", "lists", "queue"]
