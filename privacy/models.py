"""A person's request under Art. 15-18 GDPR and what was decided and done."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SubjectRequest(models.Model):
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)

    class Meta:
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"
