"""Mail: the outbox every message goes through, and readers' reply notifications."""
