from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A staff account. Which agency and roles it has comes from agencies.Membership."""

    language = models.CharField(
        _("language"),
        max_length=8,
        default="de",
        help_text=_("Language of the interface and of notifications sent to this person."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username
