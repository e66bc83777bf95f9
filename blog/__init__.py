"""The blog project: settings, URLs, the Celery app, posts and their pages."""

from .celery import app as celery_app

__all__ = ("celery_app",)
