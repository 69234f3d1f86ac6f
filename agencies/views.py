"""Roles awaiting a second person's confirmation (two-person control over privilege)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.rules import Action
from access.web import requires

from . import selectors, services


@requires(Action.ROLES_CONFIRM)
def roles(request):
    pending = selectors.roles_awaiting(user=request.user)
    return render(request, "agencies/roles.html", {"pending": pending})


@requires(Action.ROLES_CONFIRM)
@require_POST
def role_decide(request, membership_id: int):
    membership = selectors.role_awaiting(user=request.user, membership_id=membership_id)
    try:
        if request.POST.get("decision") == "confirm":
            services.membership_confirm(actor=request.user, membership=membership)
            messages.success(request, _("The role has been confirmed and is in effect now."))
        else:
            services.membership_refuse(actor=request.user, membership=membership, reason=request.POST.get("reason", ""))
            messages.success(request, _("The role has been refused."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("agencies:roles")
