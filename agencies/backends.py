"""Django's permission check (the admin asks it) answered from the role table: a user has the
model permissions their roles give (agencies.roles.ROLE_PERMISSIONS), nothing stored per user
or per group, so the admin and the code can never disagree about a role's rights."""

from django.contrib.auth.backends import ModelBackend

from .roles import ROLE_PERMISSIONS
from .selectors import memberships_of


class RoleBackend(ModelBackend):
    def get_user_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return set().union(*(ROLE_PERMISSIONS.get(m.role, set()) for m in memberships_of(user_obj)))
