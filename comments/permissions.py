"""Who is a moderator: staff, or users holding `moderation.moderate_comment` (the group)."""

from typing import Any

from rest_framework.permissions import BasePermission

MODERATE_PERMISSION = "moderation.moderate_comment"


def is_moderator(user: Any) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and (user.is_staff or user.has_perm(MODERATE_PERMISSION))
    )


class IsModerator(BasePermission):
    message = "Only moderators may do this."

    def has_permission(self, request: Any, view: Any) -> bool:
        return is_moderator(request.user)
