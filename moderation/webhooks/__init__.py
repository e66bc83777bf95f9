"""Webhooks: endpoints moderators register, and signed deliveries of comment events to them.

Events arrive from `moderation.events` (after the change committed); each matching active
endpoint gets one `Delivery`, sent by Celery on the "webhooks" queue with retries, signed
per Standard Webhooks, and only to public addresses (see `address`).
"""
