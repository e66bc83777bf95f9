"""Moderation: spam scoring, the policy, Celery tasks, the admin queue and moderation API."""
