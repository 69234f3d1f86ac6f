"""Helpers shared by the workspace services."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.scopes import NoteCategory


def check_category(category: str) -> None:
    if category not in NoteCategory.values:
        raise ValidationError({"category": _("Please choose a category.")})


def user_name(user) -> str:
    return user.get_full_name() or user.username
