"""Who sees the moderators' read-only admin pages: moderators (staff or the group) only."""

from typing import Any

from django.http import HttpRequest

from comments.permissions import is_moderator


class ModeratorsView:
    """Moderators may look; nobody adds, changes or deletes rows here (the worker does)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_moderator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_moderator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
