"""Reference data of sharing: statutes (legal bases without consent) and versioned consent texts."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Statute(models.Model):
    """A legal basis for sharing without consent, from a maintained list (e.g. § 69 SGB X)."""

    code = models.CharField(
        _("citation"), max_length=80, unique=True, help_text=_('For example "§ 69 Abs. 1 Nr. 1 SGB X".')
    )
    title = models.CharField(_("title"), max_length=300)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("statute")
        verbose_name_plural = _("statutes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"


class ConsentText(models.Model):
    """A versioned consent text. A version that a consent refers to is never edited again;
    changes become a new version."""

    title = models.CharField(_("title"), max_length=200)
    version = models.CharField(_("version"), max_length=20)
    body = models.TextField(_("text"))
    is_active = models.BooleanField(_("offered for new consents"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        ordering = ["title", "-version"]
        constraints = [models.UniqueConstraint(fields=["title", "version"], name="consenttext_unique_version")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def save(self, *args, **kwargs):
        # Invariant, not a side effect: a used version is evidence and must stay as signed.
        if self.pk and ConsentText.objects.filter(pk=self.pk, consents__isnull=False).exists():
            original = ConsentText.objects.get(pk=self.pk)
            if (original.title, original.version, original.body) != (self.title, self.version, self.body):
                raise ValueError("A consent text version that has been used cannot be changed.")
        super().save(*args, **kwargs)

    @property
    def is_used(self) -> bool:
        return self.consents.exists()
