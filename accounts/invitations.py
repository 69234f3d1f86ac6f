"""Invitations: a new account sets its own password through a link sent to its mail address,
valid for INVITATION_DAYS and usable once. The administrator who created the account never
chooses, types or sees a password; the link itself lives only in the mail (the outbox row is
not shown in the admin), and the database keeps a hash of it."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access import events
from agencies.services import memberships_reconfirm

from .models import Invitation, User


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_send(*, actor, user: User) -> Invitation:
    """Invite an account that has never been used; earlier invitations of it stop working."""
    from notifications.services import notify

    if user.last_login is not None:
        raise ValidationError(_("This account is in use; its holder changes the password under “My account”."))
    if not user.email:
        raise ValidationError(_("The account needs a mail address for the invitation."))
    now = timezone.now()
    Invitation.objects.filter(user=user, used_at__isnull=True).update(expires_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        user=user,
        token_hash=_hash(token),
        created_by=actor,
        expires_at=now + timedelta(days=settings.INVITATION_DAYS),
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    # Roles confirmed for this account wait for confirmation again: the link may now reach
    # someone else than the person the team lead confirmed.
    memberships_reconfirm(actor=actor, user=user, reason="new invitation")
    notify(
        recipients=[user],
        kind="accounts.invitation",
        subject=gettext_lazy("Your Notlagen account: please set your password"),
        body=gettext_lazy("The link is valid for a few days and works once. Then set up your second factor."),
        link=reverse("accounts:invitation", args=[token]),
        channels=("email",),
    )
    events.report(actor=actor, action="create", object_type="invitation", object_ids=[invitation.pk])
    return invitation


def invitation_for(token: str) -> Invitation | None:
    return (
        Invitation.objects.filter(token_hash=_hash(token), used_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("user")
        .first()
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, password: str) -> User:
    invitation = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
    if invitation.used_at is not None or invitation.expires_at <= timezone.now():
        raise ValidationError(_("This invitation has expired or has been used already."))
    user = invitation.user
    user.set_password(password)
    user.save(update_fields=["password"])
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    events.report(actor=user, action="change", object_type="invitation", object_ids=[invitation.pk], purpose="accepted")
    return user
